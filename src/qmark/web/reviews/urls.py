from django.urls import path

from qmark.web.reviews.views import audit, auth, documents, exports, misc, questions, reviews

urlpatterns = [
    path("", reviews.review_list, name="reviews"),
    path("signin/", auth.signin_view, name="signin"),
    path("signin/link/<str:token>/", auth.signin_link_view, name="signin-link"),
    path("signout/", auth.signout_view, name="signout"),
    path("reviews/new/", reviews.review_create, name="review-create"),
    path("reviews/<int:pk>/", reviews.review_detail, name="review"),
    path("reviews/<int:pk>/progress/", reviews.review_progress, name="review-progress"),
    path("reviews/<int:pk>/edit/", reviews.review_edit, name="review-edit"),
    path("reviews/<int:pk>/delete/", reviews.review_delete, name="review-delete"),
    path("reviews/<int:pk>/assess/", reviews.review_assess, name="review-assess"),
    path("reviews/<int:pk>/complete/", reviews.review_complete, name="review-complete"),
    path("reviews/<int:pk>/documents/", documents.documents, name="documents"),
    path("reviews/<int:pk>/documents/<int:doc_pk>/delete/", documents.document_delete, name="document-delete"),
    path("reviews/<int:pk>/questions/<str:qid>/", questions.question_detail, name="question"),
    path("reviews/<int:pk>/questions/<str:qid>/rating/", questions.question_rate, name="question-rate"),
    path("reviews/<int:pk>/questions/<str:qid>/evidence/", questions.question_evidence, name="question-evidence"),
    path("reviews/<int:pk>/questions/<str:qid>/add-evidence/", questions.question_add_evidence, name="question-add-evidence"),
    path("reviews/<int:pk>/export.<str:fmt>", exports.export, name="review-export"),
    path("reviews/<int:pk>/draft-comments.docx", exports.commented_draft, name="review-draft-comments"),
    path("reviews/ratings.csv", exports.ratings_csv, name="reviews-csv"),
    path("audit/", audit.audit_log, name="audit"),
    path("audit.csv", audit.audit_csv, name="audit-csv"),
    path("healthz", misc.healthz, name="healthz"),
    path("static/<path:path>", misc.static, name="static"),
]
