from rest_framework.pagination import PageNumberPagination


class CursorlessPagination(PageNumberPagination):
    pass
