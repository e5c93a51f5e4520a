"""Catalogue table of the ``click`` area, Bahasa Indonesia: the words of Typer and its Click
themselves (usage, help, section titles, refusals of parsing), given to them by
``service.cli.words``. No refusal repeats the value that was typed."""

from __future__ import annotations

ID: dict[str, str] = {
    "click.aborted": "Dibatalkan.",
    "click.missing_command": "Perintah belum disebut.",
    "click.no_such_command": "Perintah tidak dikenal.",
    "click.options": "Opsi",
    "click.arguments": "Argumen",
    "click.commands": "Perintah",
    "click.env_var": "variabel lingkungan: {var}",
    "click.default": "bawaan: {default}",
    "click.dynamic": "(dinamis)",
    "click.required": "wajib",
    "click.usage": "Pemakaian:",
    "click.options_metavar": "[OPSI]",
    "click.subcommand_metavar": "PERINTAH [ARGUMEN]...",
    "click.show_help": "Tampilkan bantuan ini lalu keluar.",
    "click.try_help": "Lihat '{command} {option}' untuk bantuan.",
    "click.missing": "{what}: {name}.",
    "click.missing_argument": "Argumen wajib belum diisi",
    "click.missing_option": "Opsi wajib belum diisi",
    "click.invalid_value_for": "Nilai {param_hint} tidak sah: {message}",
    "click.not_choices": "harus salah satu dari {choices}.",
    "click.value_unusable": "bentuknya tidak sesuai; lihat --help.",
    "click.no_such_option": "Opsi tidak dikenal.",
    "click.did_you_mean": "Maksud Anda: {possibility}?",
    "click.option_usage": "Opsi {name} tidak dipakai dengan benar (nilainya kurang atau tidak diminta).",
    "click.extra_argument": "Ada argumen lebih yang tidak dikenal.",
    "click.usage_unclear": "Perintah tidak dapat dipahami; lihat --help.",
    "click.unknown_error": "galat yang tidak dikenal",
}
