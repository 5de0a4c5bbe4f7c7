"""Template context every page needs: the user's roles and what they may do."""

from genebank.core import permissions


def genebank(request):
    user = getattr(request, "user", None)
    return {
        "can_register": permissions.can(user, permissions.REGISTER),
        "can_manage_missions": permissions.can(user, permissions.MANAGE_MISSIONS),
        "can_manage_users": permissions.can(user, permissions.MANAGE_USERS),
    }
