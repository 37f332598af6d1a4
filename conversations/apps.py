from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    """Exchange Model conversations that turn what each person says into agreed outcomes."""

    name = "conversations"
    verbose_name = "Conversations"
