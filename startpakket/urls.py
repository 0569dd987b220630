from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from startpakket import preferences, token_views, two_factor, views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("accounts/login/", preferences.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor.verify, name="two_factor_verify"),
    path("accounts/two-factor/setup/", two_factor.setup, name="two_factor_setup"),
    path("accounts/two-factor/enrol/<str:token>/", two_factor.enrol, name="two_factor_enrol"),
    path("accounts/tokens/", token_views.token_list, name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.token_revoke, name="api_token_revoke"),
    path("accounts/settings/", preferences.account_settings, name="account_settings"),
    path("i18n/setlang/", preferences.switch_language, name="set_language"),
    path("eligibility/", include("eligibility.urls")),
    path("", include("logistics.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("startpakket.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its script as a file, not inline; Swagger UI does set inline styles.
    path("api/docs/", csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(
        SpectacularSwaggerSplitView.as_view(url_name="api-schema")), name="api-docs"),
]

handler400 = "startpakket.views.bad_request"
handler403 = "startpakket.views.permission_denied"
handler404 = "startpakket.views.page_not_found"
handler500 = "startpakket.views.server_error"
