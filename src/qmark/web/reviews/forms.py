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
            "report_date": "Date of the report (optional)",
        }
        help_texts = {
            "title": "As it appears on the report, for example ‘Child M: Local Child Safeguarding Practice Review’.",
            "reference": "Your partnership's own reference, if it has one.",
            "report_date": "Leave blank to let qmark read it from the report. It decides which guidance and research counted as current.",
        }
        widgets = {"report_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
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
    report = DocumentField(label="A new version of the report (optional)", required=False, help_text="Replaces the current report.")
    working = DocumentField(
        label="Working documents to add (optional)", required=False, multiple=True, help_text="You can choose several files."
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
