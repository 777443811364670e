from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "esp.accountability"
    verbose_name = "Accountability (CAP documents)"
    # What `esp init` loads (esp.programs.bootstrap.initialize; issue 13).
    defaults = "esp.accountability.defaults.load_default_cap_templates"
    # Policy rows a program copy copies too (esp.programs.services.program_copy).
    copied_with_program = ["esp.accountability.models.CapTemplate"]
