from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from redvest.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginPage.as_view(), name="login"),
    path("login/sms/", views.login_sms, name="login-sms"),
    path("login/sms/code/", views.login_sms_code, name="login-sms-code"),
    path("weixin/", views.weixin_start, name="weixin-start"),
    path("weixin/callback/", views.weixin_callback, name="weixin-callback"),
    path("weixin/bind/", views.weixin_bind, name="weixin-bind"),
    path("weixin/bind/code/", views.weixin_bind_code, name="weixin-bind-code"),
    path("weixin/bind/done/", views.weixin_bind_finish, name="weixin-bind-finish"),
    path("weixin/unbind/", views.weixin_unbind, name="weixin-unbind"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:password-done")
        ),
        name="password-change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_done.html"),
        name="password-done",
    ),
    path("profile/", views.profile, name="profile"),
    path("signup/", views.signup, name="signup"),
    path("signup/code/", views.signup_code, name="signup-code"),
    path("signup/details/", views.signup_details, name="signup-details"),
    path("password/reset/", views.password_reset, name="password-reset"),
    path("password/reset/code/", views.password_reset_code, name="password-reset-code"),
    path("password/reset/new/", views.password_reset_new, name="password-reset-new"),
]
