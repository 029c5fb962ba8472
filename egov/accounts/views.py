"""Account pages beyond signing in: a business account's members (who may apply in its name)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from egov.core.errors import DomainError
from egov.core.web import run_action

from .models import BusinessMember, User
from .selectors import business_members, user_businesses
from .services import business_member_add, business_member_remove


@login_required
def businesses(request: HttpRequest) -> HttpResponse:
    """The businesses the user acts for; the representative (or the business itself) manages members."""
    rows = []
    for business in user_businesses(request.user):
        members = list(business_members(business))
        manages = business.pk == request.user.pk or any(
            m.member_id == request.user.pk and m.role == BusinessMember.Role.REPRESENTATIVE for m in members
        )
        rows.append({"business": business, "members": members, "manages": manages})
    return render(request, "accounts/businesses.html", {"rows": rows, "roles": BusinessMember.Role.choices})


@login_required
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    business = get_object_or_404(User, pk=pk, kind=User.Kind.BUSINESS)
    if request.method == "POST":
        try:
            business_member_add(
                actor=request.user,
                business=business,
                personal_id=request.POST.get("personal_id", ""),
                role=request.POST.get("role", ""),
            )
            messages.success(request, _("Đã thêm thành viên."))
        except DomainError as exc:
            if exc.status == 403:
                raise DjangoPermissionDenied(exc.message) from exc
            messages.error(request, exc.message)
    return redirect("accounts:businesses")


@login_required
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(BusinessMember.objects.select_related("business", "member"), pk=pk)
    if request.method == "POST":
        run_action(request, lambda: business_member_remove(actor=request.user, member=member), _("Đã bỏ thành viên."))
    return redirect("accounts:businesses")


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Django's reset page; once the new password is set, every session and token of the account ends."""

    template_name = "accounts/password_reset_confirm.html"

    def form_valid(self, form: Any) -> HttpResponse:
        from egov.identity.services import account_password_reset_done

        response = super().form_valid(form)
        account_password_reset_done(user=form.user)
        return response
