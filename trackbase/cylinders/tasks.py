from django_tasks import task

from trackbase.cylinders import exports


@task()
def export_report(*, export_id: int) -> str:
    return exports.report_export_run(export_id=export_id).status
