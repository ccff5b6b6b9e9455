"""The outbox's system checks guard the settings its guarantees rest on."""

from django.core.checks import Tags, run_checks

from cnca.notifications.checks import check_outbox_settings, check_site_url


def test_default_settings_pass():
    assert check_outbox_settings(None) == []


def test_a_sweep_faster_than_the_hard_time_limit_is_flagged(settings):
    settings.NOTIFICATIONS_STUCK_AFTER = 150
    settings.CELERY_TASK_TIME_LIMIT = 180
    assert [problem.id for problem in check_outbox_settings(None)] == ["notifications.W001"]


def test_a_command_deadline_inside_the_sweep_window_is_flagged(settings):
    settings.NOTIFICATIONS_COMMAND_DEADLINE = 900
    assert [problem.id for problem in check_outbox_settings(None)] == ["notifications.W003"]


def test_site_url_must_be_the_public_address_in_production(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    assert [problem.id for problem in check_site_url(None)] == ["notifications.E001"]
    settings.SITE_URL = "http://localhost"
    assert [problem.id for problem in check_site_url(None)] == ["notifications.E001"]
    settings.SITE_URL = "http://portal.example.org"
    assert [problem.id for problem in check_site_url(None)] == ["notifications.W004"]
    settings.SITE_URL = "https://portal.example.org"
    assert check_site_url(None) == []


def test_the_site_url_check_runs_with_the_deploy_checks_only(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    deploy = run_checks(include_deployment_checks=True, tags=[Tags.security])
    assert "notifications.E001" in {problem.id for problem in deploy}
    everyday = run_checks(tags=[Tags.security])
    assert "notifications.E001" not in {problem.id for problem in everyday}


def test_a_visibility_timeout_shorter_than_a_countdown_is_flagged(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 200}
    settings.NOTIFICATIONS_RETRY_COUNTDOWN_MAX = 300
    assert [problem.id for problem in check_outbox_settings(None)] == ["notifications.W002"]
