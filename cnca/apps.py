from django.apps import AppConfig


class CncaConfig(AppConfig):
    name = "cnca"
    verbose_name = "CNCA portal"
