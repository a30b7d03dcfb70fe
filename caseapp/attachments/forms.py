from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField

from caseapp.forms_common import AppForm, required


class UploadForm(AppForm):
    file = FileField(_l("File (PDF, JPEG or PNG)"), validators=[required()])


class DeleteForm(AppForm):
    pass
