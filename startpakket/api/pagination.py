from django.core.paginator import Paginator
from rest_framework import pagination

from startpakket.paging import rows_of


class RowsOfThePageOnly(Paginator):
    """Django's paginator, the page's rows read by ``paging.rows_of``."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_of(self.object_list, bottom, top), number, self)


class PageNumberPagination(pagination.PageNumberPagination):
    """``count``, ``next``, ``previous``, ``results`` (DESIGN §7.2); ``?page_size=`` up to 200."""

    django_paginator_class = RowsOfThePageOnly
    page_size_query_param = "page_size"
    max_page_size = 200
