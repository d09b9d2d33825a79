"""Events case work sends to other modules (house style 13: explicit, from actions).

``case_erasing`` is sent inside ``case_personal_data_erase``'s transaction (retention, or a
person's erasure), so a module holding personal data about a case (referrals, assistance)
erases it in the same all-or-nothing step. Receivers take ``actor`` and ``case``.
"""

from django.dispatch import Signal

case_erasing = Signal()
