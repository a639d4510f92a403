"""Who may do what: the one place where views ask about roles and objects.

Each object type has a `for_user(user)` queryset method (what the user may see) and an
`is_writable_by(user)` model method (whether the user may change it). Views fetch objects through
`get_for_user`, wrapped per type as `get_<obj>_for_user`, and never filter by user themselves.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def get_for_user(request, queryset, pk, *, write=False):
    """The object with this pk if the user may see it.

    Raises Http404 when it does not exist or belongs to another school (so that its existence is
    not revealed), and PermissionDenied when the user may see it but wants to change it and may not.
    """
    obj = get_object_or_404(queryset.for_user(request.user), pk=pk)
    if write and not obj.is_writable_by(request.user):
        raise PermissionDenied("Недостаточно прав для изменения.")
    return obj


def role_required(*roles):
    """Allow a view to users of the given roles (Role values); anonymous users go to the login
    page, other roles get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.is_active or user.role not in roles:
                raise PermissionDenied("Эта страница недоступна для вашей роли.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
