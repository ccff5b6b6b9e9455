from django.apps import AppConfig


class InnovationFundConfig(AppConfig):
    name = "innovation_fund"
    verbose_name = "Innovation Fund"
