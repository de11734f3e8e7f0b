"""Background work of lead distribution (run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def run_mass_owner_job(job_id: int) -> str:
    """Run a mass change of owner; the job row carries progress and the result."""
    from tandem.assignment.actions import run_job

    job = run_job(job_id)
    return job.status if job is not None else "already claimed"
