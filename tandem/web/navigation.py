def navigation_context(request):
    return {}
