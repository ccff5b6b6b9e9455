from django.views.generic import DetailView, ListView

from .models import MemberCity


class CityListView(ListView):
    model = MemberCity


class CityDetailView(DetailView):
    model = MemberCity
