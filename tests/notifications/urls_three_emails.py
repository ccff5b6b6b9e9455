"""A page that queues three emails in one transaction, as a decision page might."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from cnca.notifications import queue_email


@csrf_exempt
def announce(request):
    with transaction.atomic():
        for n in range(3):
            queue_email(
                key=f"three:{n}",
                to=f"person{n}@example.org",
                template="notifications/email/notice",
                context={"subject": f"Decision {n}", "paragraphs": ["Hi."], "reason": "A test."},
            )
    return HttpResponse("queued")


urlpatterns = [path("announce/", announce)]
