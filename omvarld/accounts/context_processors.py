from functools import cached_property

from omvarld.accounts import roles


class Capabilities:
    """What the signed-in user may do, for menus; each answer is looked up on first use."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def suggest(self):
        return roles.can(self.user, roles.SUGGEST)

    @cached_property
    def review(self):
        return roles.can(self.user, roles.REVIEW)

    @cached_property
    def manage_users(self):
        return roles.can(self.user, roles.MANAGE_USERS)


def capabilities(request):
    return {"can": Capabilities(request.user)}
