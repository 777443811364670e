from django.urls import path

from . import tracking, views

app_name = "progress"
urlpatterns = [
    path("classes/", views.classes, name="classes"),
    path("classes/<str:code>/", views.class_board, name="board"),
    path("classes/<str:code>/tracker.xlsx", views.tracker_download, name="tracker"),
    path("agents/<str:employee_id>/", views.agent_detail, name="agent"),
    path("agents/<str:employee_id>/tasks/<slug:task>/", views.task_status, name="task_status"),
    path("agents/<str:employee_id>/notes/", views.add_note, name="add_note"),
    path("agents/<str:employee_id>/deliver/", views.deliver_step, name="deliver"),
    path("agents/<str:employee_id>/employment/", views.employment, name="employment"),
    path("agents/<str:employee_id>/equipment/", views.equipment, name="equipment"),
    path("agents/<str:employee_id>/flags/", views.flag, name="flag"),
    path("agents/<str:employee_id>/move/", views.move, name="move"),
    path(
        "agents/<str:employee_id>/termination-review/",
        views.termination_decide,
        name="termination_decide",
    ),
    path("agents/<str:employee_id>/proofs/", tracking.proof_upload, name="proof_upload"),
    path("forms/", tracking.forms_index, name="forms"),
    path("forms/<slug:name>/", tracking.tracking_form, name="tracking_form"),
    path("proofs/", tracking.review_queue, name="review_queue"),
    path("proofs/<int:pk>/file", tracking.proof_file, name="proof_file"),
    path("proofs/<int:pk>/decide/", tracking.proof_decide, name="proof_decide"),
]
