from django.apps import AppConfig


class ConversationsConfig(AppConfig):
    """Exchange Model conversations that turn what each person says into agreed outcomes."""

    name = "conversations"
    verbose_name = "Conversations"

    def ready(self) -> None:
        # A person's page lists their conversations, though records does not know of them.
        from records.hooks import person_page_section_register

        from .selectors import person_page_conversations

        person_page_section_register(person_page_conversations)
