app_name = "textbooks"

urlpatterns = []
