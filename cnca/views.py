from django.http import HttpResponse, JsonResponse
from django.views.generic import TemplateView


class HomeView(TemplateView):
    template_name = "cnca/home.html"


class AboutView(TemplateView):
    template_name = "cnca/about.html"


class ContactView(TemplateView):
    template_name = "cnca/contact.html"


def healthz(request):
    return JsonResponse({})


def robots_txt(request):
    return HttpResponse("", content_type="text/plain")
