"""Forms. Every field has a label; hints and errors are tied to the field (aria-describedby)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from qmark.assess.records import RATING_LABELS, RATINGS
from qmark.web.reviews import uploads
from qmark.web.reviews.models import Review


class MultiFileInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentField(forms.FileField):
    """One or several documents, each checked by qmark.web.reviews.uploads."""

    def __init__(self, *args, multiple: bool = False, **kwargs):
        attrs: dict[str, str | bool] = {"accept": uploads.ACCEPT}
        if multiple:
            attrs["multiple"] = True
        kwargs.setdefault("widget", (MultiFileInput if multiple else forms.FileInput)(attrs=attrs))
        self.multiple = multiple
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        one = super().clean
        if self.multiple:
            files = [one(d, initial) for d in (data if isinstance(data, (list, tuple)) else [data] if data else [])]
        else:
            files = [one(data, initial)] if (data or self.required) else []
        files = [f for f in files if f]
        for f in files:
            try:
                uploads.check(f)
            except uploads.UploadError as exc:
                raise forms.ValidationError(str(exc)) from None
        return files if self.multiple else (files[0] if files else None)


class DayMonthYearWidget(forms.MultiWidget):
    """Three boxes, day, month and year, as GOV.UK's date input (a browser's date picker is
    hard to use with a keyboard or a screen reader, and shows dates the American way)."""

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        super().__init__(
            [
                forms.TextInput(attrs={**box, "maxlength": "2"}),
                forms.TextInput(attrs={**box, "maxlength": "2"}),
                forms.TextInput(attrs={**box, "maxlength": "4"}),
            ],
            attrs,
        )

    def decompress(self, value):
        if value:
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]


class DayMonthYearField(forms.MultiValueField):
    """A date given as day, month and year, with GOV.UK's error messages."""

    widget = DayMonthYearWidget

    def __init__(self, *, label: str, **kwargs):
        self.name_in_errors = label.split(" (")[0]
        part = forms.CharField(required=False)
        super().__init__(fields=[part, part, part], require_all_fields=False, label=label, **kwargs)

    def compress(self, data_list):
        from datetime import date

        from django.utils import timezone

        day, month, year = [(v or "").strip() for v in (data_list or ["", "", ""])]
        if not (day or month or year):
            return None
        what = self.name_in_errors
        missing = [n for n, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise forms.ValidationError(f"{what} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{what} must be a real date, in numbers, for example 27 3 2022")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            value = date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{what} must be a real date") from None
        if value > timezone.localdate():
            raise forms.ValidationError(f"{what} must be today or in the past")
        return value


MATCH_TYPE = ""


def _profiles() -> list:
    """Installed profiles that load."""
    from qmark.data import DataFileError
    from qmark.profile import installed, load_profile

    out = []
    for folder in installed():
        try:
            out.append(load_profile(folder))
        except DataFileError:
            continue
    return out


def profile_choices() -> list[tuple[str, str]]:
    return [(MATCH_TYPE, "The usual one for this type of review"), *((p.id, p.title) for p in _profiles())]


def profile_for_type(review_type: str) -> str:
    """The profile whose review kinds include this type of review, else the default one."""
    from qmark.profile import DEFAULT_PROFILE

    return next((p.id for p in _profiles() if review_type in p.manifest.review_kinds), DEFAULT_PROFILE)


class ReviewForm(forms.ModelForm):
    report_date = DayMonthYearField(
        label="Date of the report (optional)",
        required=False,
        help_text="For example, 27 3 2022. Leave blank to let qmark read it from the report. It decides which guidance and research counted as current.",
    )
    profile = forms.ChoiceField(
        label="Quality marker",
        choices=profile_choices,
        required=False,
        help_text="What the review's analysis is assessed against. By default, the marker for the type of review above.",
    )

    def clean(self) -> dict:
        data = super().clean()
        if "profile" not in self.data and self.instance.pk:
            data["profile"] = self.instance.profile  # not on the edit form: keep what the review has
        elif not data.get("profile"):
            data["profile"] = profile_for_type(data.get("review_type") or "")
        return data

    class Meta:
        model = Review
        fields = ["title", "reference", "review_type", "profile", "report_date"]
        labels = {
            "title": "Title",
            "reference": "Reference (optional)",
            "review_type": "Type of review",
        }
        help_texts = {
            "title": "As it appears on the report, for example ‘Child M: Local Child Safeguarding Practice Review’.",
            "reference": "Your partnership's own reference, if it has one.",
        }
        error_messages = {"title": {"required": "Enter the title of the review"}}


class NewReviewForm(ReviewForm):
    report = DocumentField(
        label="The report",
        required=True,
        help_text="PDF, Word (.docx), HTML, Markdown or text.",
        error_messages={"required": "Choose the report to upload"},
    )
    working = DocumentField(
        label="Working documents (optional)",
        required=False,
        multiple=True,
        help_text="Terms of reference, panel minutes, the reviewer's statement: anything that shows how the analysis was done. You can choose several files.",
    )


class UploadForm(forms.Form):
    report = DocumentField(
        label="A new version of the report (optional)",
        required=False,
        help_text="For example a later draft. It replaces the current report; you can then compare the two versions.",
    )
    working = DocumentField(
        label="Working documents to add (optional)", required=False, multiple=True, help_text="You can choose several files."
    )
    note = forms.CharField(
        label="Which version is this? (optional)",
        required=False,
        max_length=120,
        help_text="For example ‘Second draft from the lead reviewer’. It names this assessment in the history.",
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("report") and not data.get("working"):
            raise forms.ValidationError("Choose at least one file to upload")
        return data


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label="Your rating",
        choices=[(r, RATING_LABELS[r]) for r in RATINGS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a rating"},
    )
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when your rating differs from qmark's suggestion: say what you saw in the report.",
    )

    def __init__(self, *args, suggested: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.suggested = suggested

    def clean(self):
        data = super().clean()
        rating, comment = data.get("rating"), (data.get("comment") or "").strip()
        if rating and rating != self.suggested and not comment:
            self.add_error(
                "comment", f"Explain why you rate it ‘{RATING_LABELS[rating]}’ when qmark suggests ‘{RATING_LABELS[self.suggested]}’"
            )
        data["comment"] = comment
        return data


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is disabled. Ask your administrator.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


def _editors(organisation):
    """Members of the organisation whose role lets them rate."""
    from django.contrib.auth import get_user_model

    from qmark.web.reviews.roles import Role

    return (
        get_user_model()
        .objects.filter(is_active=True, membership__organisation=organisation, membership__role__in=[Role.ADMIN, Role.ASSESSOR])
        .order_by("username")
    )


class _UserChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.get_username()


class DoubleRatingForm(forms.Form):
    double_rating = forms.TypedChoiceField(
        label="How is this review rated?",
        choices=[("no", "By one assessor at a time"), ("yes", "Blind, by two assessors, then agreed")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the review is rated"},
    )
    first_assessor = _UserChoice(label="First assessor", queryset=None, required=False, empty_label="Choose an assessor")
    second_assessor = _UserChoice(label="Second assessor", queryset=None, required=False, empty_label="Choose an assessor")

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        people = _editors(organisation)
        self.fields["first_assessor"].queryset = people
        self.fields["second_assessor"].queryset = people

    def clean(self):
        data = super().clean()
        if data.get("double_rating"):
            a, b = data.get("first_assessor"), data.get("second_assessor")
            if a is None:
                self.add_error("first_assessor", "Choose the first assessor")
            if b is None:
                self.add_error("second_assessor", "Choose the second assessor")
            if a is not None and a == b:
                self.add_error("second_assessor", "Choose two different assessors")
        return data


class ModerationForm(forms.Form):
    rating = forms.ChoiceField(
        label="Agreed rating",
        choices=[(r, RATING_LABELS[r]) for r in RATINGS],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the agreed rating"},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Why this is the agreed rating: what the assessors discussed and what in the report decided it.",
        error_messages={"required": "Give the reason for the agreed rating"},
    )

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        super().__init__(*args, prefix=prefix_id or None, **kwargs)

    def clean_reason(self) -> str:
        text = (self.cleaned_data.get("reason") or "").strip()
        if not text:
            raise forms.ValidationError("Give the reason for the agreed rating")
        return text
