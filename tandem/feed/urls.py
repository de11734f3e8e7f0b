from django.urls import path

from tandem.feed import views

app_name = "feed"

urlpatterns = [
    path("feed/home/", views.home_items, name="home_items"),
    path("feed/posts/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("feed/posts/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("feed/<slug:slug>/<int:pk>/posts/", views.post_create, name="post_create"),
    path("feed/<slug:slug>/<int:pk>/items/", views.record_items, name="record_items"),
    path("feed/<slug:slug>/<int:pk>/follow/", views.follow, name="follow"),
    path("feed/<slug:slug>/<int:pk>/mentions/", views.mention_options, name="mention_options"),
]
