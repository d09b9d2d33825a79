"""Events the persons module sends to other modules (house style 13: explicit, from actions).

``person_erasing`` is sent inside ``person_erase``'s transaction, so a module holding data
about the person (cases, referrals…) erases it in the same all-or-nothing step.
Receivers take ``actor`` and ``person`` keyword arguments.
"""

from django.dispatch import Signal

person_erasing = Signal()
