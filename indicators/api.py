from rest_framework.views import APIView


class ZoneScoreApi(APIView):  # placeholder
    pass
