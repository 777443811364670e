from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "esp.attendance"
    label = "attendance"
    verbose_name = "Attendance"
