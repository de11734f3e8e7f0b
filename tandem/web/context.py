"""Template context shared by every page: tabs and Recent Items."""


def navigation(request):
    from tandem.web.navigation import navigation_context

    return navigation_context(request)
