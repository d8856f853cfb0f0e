from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=False)
router.register("enquete-rondes", views.SurveyRoundViewSet, basename="enquete-ronde")

urlpatterns = router.urls
