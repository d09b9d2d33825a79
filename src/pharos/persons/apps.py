from django.apps import AppConfig


class PersonsConfig(AppConfig):
    name = "pharos.persons"
    label = "persons"
