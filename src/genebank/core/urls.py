from django.contrib.auth import views as auth_views
from django.urls import path

from genebank.core import views

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
]
