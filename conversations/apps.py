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

        # A subject access export and the retention policy reach conversations the same way.
        from records.hooks import retention_anonymiser_register, subject_access_part_register

        from .retention import person_conversations_anonymise
        from .subject_access import person_subject_access_conversations

        subject_access_part_register(person_subject_access_conversations)
        retention_anonymiser_register(person_conversations_anonymise)
