from django.contrib.auth import views as auth_views
from django.urls import path

from genebank.core import job_views, views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="core/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("records/<slug:kind>/", views.reference_list, name="reference_list"),
    path("records/<slug:kind>/new/", views.reference_edit, name="reference_create"),
    path("records/<slug:kind>/<int:pk>/", views.reference_edit, name="reference_edit"),
    path("users/", views.member_list, name="member_list"),
    path("users/<int:pk>/", views.member_edit, name="member_edit"),
    path("jobs/", job_views.job_list, name="job_list"),
    path("jobs/<int:pk>/", job_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/status/", job_views.job_status, name="job_status"),
    path("jobs/<int:pk>/download/", job_views.job_download, name="job_download"),
]
