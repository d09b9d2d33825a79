"""Events the persons module sends to other modules (house style 13: explicit, from actions).

``person_erasing`` is sent inside ``person_erase``'s transaction, so a module holding data
about the person (cases, referrals…) erases it in the same all-or-nothing step.
Receivers take ``actor`` and ``person`` keyword arguments.
``person_names_changed`` is sent inside the registering or changing transaction when the
names or the birth date were set (referrals rebuilds its duplicate-warning keys); receivers
take ``person``.
"""

from django.dispatch import Signal

person_erasing = Signal()
person_names_changed = Signal()
