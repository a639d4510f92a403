app_name = "mumo"

urlpatterns = []
