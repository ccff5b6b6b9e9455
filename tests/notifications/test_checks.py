"""The outbox's system checks guard the settings its guarantees rest on."""

from cnca.notifications.checks import check_outbox_settings


def test_default_settings_pass():
    assert check_outbox_settings(None) == []


def test_a_sweep_faster_than_the_hard_time_limit_is_flagged(settings):
    settings.NOTIFICATIONS_STUCK_AFTER = 60
    settings.CELERY_TASK_TIME_LIMIT = 180
    assert [problem.id for problem in check_outbox_settings(None)] == ["notifications.W001"]


def test_a_visibility_timeout_shorter_than_a_countdown_is_flagged(settings):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 200}
    settings.NOTIFICATIONS_RETRY_COUNTDOWN_MAX = 300
    assert [problem.id for problem in check_outbox_settings(None)] == ["notifications.W002"]
