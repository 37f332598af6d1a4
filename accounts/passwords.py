"""Password rules beyond Django's own: refuse passwords that are easy to guess."""

import re

from django.core.exceptions import ValidationError
from zxcvbn import zxcvbn

# Words a guesser would try first against this product.
PRODUCT_WORDS = ("personal outcomes", "personaloutcomes", "personal", "outcomes")
DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - the published demo password, refused here
# zxcvbn scores 0 to 4; 3 means "safely unguessable" against an online attack.
MIN_SCORE = 3
# zxcvbn's estimator only looks at the first 100 characters; longer is fine.
MAX_CHECKED = 100


class HardToGuessValidator:
    """Refuse passwords zxcvbn rates easy to guess: repeats, sequences, dates,
    common words, the product's name, the demo password, or the user's own names.

    Spaces and punctuation between words are scored as taken out as well,
    because guessers try the common separators ("Summer-2026" is "Summer2026"
    with a dash); long passphrases of ordinary words still pass.
    """

    def __init__(self, min_score: int = MIN_SCORE):
        self.min_score = min_score

    def validate(self, password: str, user=None) -> None:
        inputs = [*PRODUCT_WORDS, DEMO_PASSWORD]
        if user is not None:
            inputs += [
                value
                for value in (user.username, user.first_name, user.last_name, user.email)
                if value
            ]
        checked = password[:MAX_CHECKED]
        squeezed = re.sub(r"[\W_]+", "", checked)
        scores = [zxcvbn(checked, user_inputs=inputs)]
        if squeezed and squeezed != checked:
            scores.append(zxcvbn(squeezed, user_inputs=inputs))
        weakest = min(scores, key=lambda result: result["score"])
        if not squeezed or weakest["score"] < self.min_score:
            raise ValidationError(self._message(weakest), code="password_easy_to_guess")

    def _message(self, result: dict) -> str:
        warning = result["feedback"].get("warning") or ""
        advice = (
            "This password would be easy to guess. Try three or four ordinary words "
            "that do not belong together, such as a made-up phrase."
        )
        return f"{advice} {warning}".strip()

    def get_help_text(self) -> str:
        return (
            "Your password must be hard to guess: three or four ordinary words that do "
            "not belong together work well. Avoid repeated or sequential characters, "
            "dates, and the name of this product."
        )
