from django_tasks import task

from trackbase.cylinders import exports, files


@task()
def export_report(*, export_id: int) -> str:
    return exports.report_export_run(export_id=export_id).status


@task()
def delete_qr_images(*, qr_codes: list[str]) -> None:
    files.qr_images_delete(qr_codes=qr_codes)
