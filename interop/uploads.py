"""An upload handler that stops reading a file past a size limit.

Django would otherwise store the whole upload (to a temporary file) before any
view could look at its size. The rest of the request is read and thrown away,
so the form's other fields (and its CSRF token, which comes first) still arrive
and the page can say what was wrong.
"""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class SizeLimitedUpload(FileUploadHandler):
    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None
