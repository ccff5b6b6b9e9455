from django.apps import AppConfig


class ContactConfig(AppConfig):
    name = "cnca.contact"
    label = "contact"
    verbose_name = "Contact messages"
