from django.urls import include, path

urlpatterns = [path("", include("qmark.web.reviews.urls"))]

handler403 = "qmark.web.reviews.views.errors.forbidden"
handler404 = "qmark.web.reviews.views.errors.not_found"
handler500 = "qmark.web.reviews.views.errors.server_error"
