from django.urls import path

from logistics.views import pick_lists

app_name = "pick_lists"

urlpatterns = [
    path("", pick_lists.pick_list_list, name="list"),
    path("<int:pk>/", pick_lists.detail, name="detail"),
    path("<int:pk>/packed/", pick_lists.pack, name="pack"),
    path("<int:pk>/take-off/", pick_lists.take_off, name="take_off"),
    path("<int:pk>/pdf/", pick_lists.pick_list_pdf, name="pdf"),
    path("<int:pk>/delivery-slips/", pick_lists.delivery_slips, name="delivery_slips"),
]
