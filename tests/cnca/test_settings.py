"""Settings come from the environment; production settings pass check --deploy.

Settings are read once per process, so each case runs in a fresh interpreter
with exactly the environment it describes.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-entropy-0123456789",
    "ALLOWED_HOSTS": "portal.example.org",
    "DATABASE_URL": "postgres://cnca:secret@db.example.org:5432/cnca",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    "SITE_URL": "https://portal.example.org",
}
READ_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": db["ENGINE"],
    "db_name": str(db["NAME"]),
    "cache": settings.CACHES["default"]["BACKEND"],
    "cache_timeout": settings.CACHES["default"].get("TIMEOUT"),
    "broker": settings.CELERY_BROKER_URL,
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email_backend": settings.MAILERS["default"]["BACKEND"],
    "email_host": settings.MAILERS["default"]["OPTIONS"].get("host", ""),
    "allowed_hosts": settings.ALLOWED_HOSTS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "hsts_preload": settings.SECURE_HSTS_PRELOAD,
    "csrf_cookie_httponly": settings.CSRF_COOKIE_HTTPONLY,
    "media_root": str(settings.MEDIA_ROOT),
    "axes_failure_limit": settings.AXES_FAILURE_LIMIT,
}))
"""


# What a child interpreter needs from this machine, and nothing the settings read:
# every other variable (DJANGO_*, *_URL, SECURE_*, AXES_*, CELERY_*, ...) is left
# out, so each case sees exactly the environment it describes.
_MACHINE = {"PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "SYSTEMROOT"}


def run(env, *args):
    clean = {key: value for key, value in os.environ.items() if key in _MACHINE}
    clean["DJANGO_SETTINGS_MODULE"] = "cnca.settings"
    clean["DJANGO_ENV_FILE"] = ""  # nor the checkout's .env, unless the case names a file
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_env_file(tmp_path, text):
    path = tmp_path / "dev.env"
    path.write_text(text)
    return str(path)


def read_settings(env):
    result = run(env, "-c", READ_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_check_deploy_is_clean_with_production_variables():
    result = run(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    # Only the two HSTS opt-ins are silenced (their own test below).
    assert "System check identified no issues (2 silenced)." in result.stdout


def test_hsts_subdomains_and_preload_are_deliberate_opt_ins():
    default = read_settings(PRODUCTION)
    assert default["hsts_seconds"] == 31536000
    assert default["hsts_subdomains"] is False
    assert default["hsts_preload"] is False
    assert default["csrf_cookie_httponly"] is False  # see the comment in settings

    opted_in = {
        **PRODUCTION,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
        "SECURE_HSTS_PRELOAD": "true",
    }
    values = read_settings(opted_in)
    result = run(opted_in, "manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert values["hsts_subdomains"] is True
    assert values["hsts_preload"] is True
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_surrounding_environment_does_not_leak_into_a_case(monkeypatch):
    # Variables a developer or CI may have set, which the settings read.
    for key, value in {
        "SECURE_HSTS_SECONDS": "0",
        "MEDIA_ROOT": "/elsewhere",
        "AXES_FAILURE_LIMIT": "1000",
        "CELERY_EAGER_IN_PRODUCTION": "true",
    }.items():
        monkeypatch.setenv(key, value)

    values = read_settings(PRODUCTION)
    assert values["hsts_seconds"] == 31536000
    assert values["media_root"] == str(ROOT / "media")
    assert values["axes_failure_limit"] == 5

    result = run(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_a_broker_fails_the_deploy_check():
    env = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}

    result = run(env, "manage.py", "check", "--deploy")

    assert result.returncode != 0
    assert "cnca.E001" in result.stderr
    assert "No Celery broker is configured" in result.stderr


def test_eager_tasks_in_production_pass_when_chosen_on_purpose():
    env = {key: value for key, value in PRODUCTION.items() if key != "REDIS_URL"}

    result = run({**env, "CELERY_EAGER_IN_PRODUCTION": "true"}, "manage.py", "check", "--deploy")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "cnca.E001" not in result.stdout + result.stderr


def test_the_broker_check_stays_quiet_in_development(settings):
    from cnca.checks import check_broker_in_production

    settings.DEBUG = True
    settings.CELERY_TASK_ALWAYS_EAGER = True
    assert check_broker_in_production(None) == []
    settings.DEBUG = False
    assert [error.id for error in check_broker_in_production(None)] == ["cnca.E001"]


def test_make_check_deploy_names_a_broker():
    makefile = (ROOT / "Makefile").read_text()
    recipe = makefile[makefile.index("check-deploy:") :].split("\n\n")[0]
    assert "REDIS_URL=redis://" in recipe


def test_production_refuses_to_start_without_a_secret_key():
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}

    result = run(env, "manage.py", "check")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_a_dotenv_file_makes_manage_py_work_as_under_make(tmp_path):
    dotenv = write_env_file(tmp_path, "# written by make run\nDJANGO_DEBUG=true\n")

    result = run({"DJANGO_ENV_FILE": dotenv}, "manage.py", "check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert read_settings({"DJANGO_ENV_FILE": dotenv})["debug"] is True


def test_without_a_dotenv_file_a_missing_secret_key_still_refuses():
    result = run({"DJANGO_ENV_FILE": ""}, "manage.py", "check")

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_real_environment_variables_win_over_the_dotenv_file(tmp_path):
    dotenv = write_env_file(tmp_path, "DJANGO_DEBUG=true\nALLOWED_HOSTS=dev.example\n")
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    env["DJANGO_DEBUG"] = "false"

    refused = run({**env, "DJANGO_ENV_FILE": dotenv}, "manage.py", "check")
    production = read_settings({**PRODUCTION, "DJANGO_DEBUG": "false", "DJANGO_ENV_FILE": dotenv})

    assert refused.returncode != 0
    assert "SECRET_KEY is not set" in refused.stderr
    assert production["debug"] is False
    assert production["allowed_hosts"] == ["portal.example.org"]


def test_a_named_dotenv_file_that_does_not_exist_is_an_error(tmp_path):
    result = run({"DJANGO_ENV_FILE": str(tmp_path / "missing.env")}, "manage.py", "check")

    assert result.returncode != 0
    assert "is not a file" in result.stderr


def test_the_checkouts_dotenv_is_read_by_default_but_never_by_the_tests(monkeypatch):
    from cnca import settings as settings_module

    monkeypatch.delenv("DJANGO_ENV_FILE", raising=False)
    assert settings_module._dotenv_path() is None  # pytest is running

    monkeypatch.delenv("PYTEST_VERSION")
    assert settings_module._dotenv_path() == ROOT / ".env"


def test_production_reads_services_from_the_environment():
    values = read_settings(PRODUCTION)

    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["db_name"] == "cnca"
    assert values["cache"] == "cnca.cache.DegradingRedisCache"
    assert values["broker"] == "redis://cache.example.org:6379/0"
    assert values["eager"] is False
    assert values["email_backend"] == "cnca.notifications.smtp.EmailBackend"
    assert values["email_host"] == "smtp.example.org"
    assert values["allowed_hosts"] == ["portal.example.org"]
    assert values["ssl_redirect"] is True


def test_quick_start_needs_no_services():
    values = read_settings({"DJANGO_DEBUG": "true"})

    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"].endswith("db.sqlite3")
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["broker"] == ""
    assert values["eager"] is True
    assert values["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert "127.0.0.1" in values["allowed_hosts"]


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client):
    response = client.get("/healthz")

    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
