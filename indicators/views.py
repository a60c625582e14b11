from django.http import HttpResponse


def system_list(request):  # placeholder, replaced below
    return HttpResponse("")


zone_scores = zone_scores_recompute = zone_scores_status = system_list
