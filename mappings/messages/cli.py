"""Catalogue table of the ``cli`` area, Bahasa Indonesia (key -> ``str.format`` template).

Command help is ``cli.<command>`` with its example in ``cli.<command>.contoh`` (shown after
"Contoh:"); argument and option help is ``cli.arg.*`` / ``cli.opt.*``; table headers ``cli.col.*``.
"""

from __future__ import annotations

_HELP: dict[str, str] = {
    "cli.app": "ekinerja-sync: menjaga data e-Kinerja lokal tetap selaras dengan SIASN.",
    "cli.contoh": "Contoh",
    "cli.sinkron": "Segarkan satu pegawai dari SIASN (tombol Sinkron SIASN).",
    "cli.sinkron.contoh": 'ekinerja-sync sinkron "19860926 201505 1 001" --json',
    "cli.pegawai": "Profil pegawai lokal.",
    "cli.pegawai_show": "Tampilkan pegawai tersimpan, atasannya, dan konflik yang masih terbuka.",
    "cli.pegawai_show.contoh": "ekinerja-sync pegawai show 198609262015051001",
    "cli.pegawai_edit": (
        "Ubah isian profil lokal (Edit Profil); dicatat di log audit beserta siapa dan alasannya."
    ),
    "cli.pegawai_edit.contoh": (
        "ekinerja-sync pegawai edit 198609262015051001 "
        'no_hp=081234567890 --oleh "operator BKD" '
        '--alasan "nomor baru dari pegawai"'
    ),
    "cli.unor": "Unit organisasi (unor) instansi.",
    "cli.unor_refresh": "Ambil pohon unit (ref-unor) dari SIASN dan simpan.",
    "cli.unor_refresh.contoh": "ekinerja-sync unor refresh",
    "cli.unor_klaim": (
        "Klaim Pimpinan Unit Kerja: catat siapa memimpin unit (eselon II-IV, hanya unitnya sendiri)."
    ),
    "cli.unor_klaim.contoh": (
        "ekinerja-sync unor klaim 8AE4830A5B3F2D10E040640A040269BB "
        '197703092006101001 --oleh "operator BKD" '
        '--alasan "SK pelantikan 821.2/123/2026"'
    ),
    "cli.db": "Skema basis data (migrasi Alembic).",
    "cli.db_upgrade": "Terapkan migrasi yang belum dijalankan ke basis data yang dikonfigurasi.",
    "cli.db_upgrade.contoh": (
        "EKINERJA_DATABASE_URL=postgresql+psycopg://user@host/db ekinerja-sync db upgrade"
    ),
    "cli.db_status": (
        "Tampilkan revisi skema basis data dan revisi yang dibutuhkan kode (keluar 1 bila perlu upgrade)."
    ),
    "cli.db_status.contoh": "ekinerja-sync db status",
    "cli.serve": (
        "Jalankan HTTP API dan konsol admin (default hanya loopback); mencetak "
        "alamatnya dan status jadwal malam sebelum mulai."
    ),
    "cli.serve.contoh": "ekinerja-sync serve --port 8080",
    "cli.schedule": "Jadwal malam milik `serve`.",
    "cli.schedule_list": "Tampilkan tugas terjadwal dan waktu jalan berikutnya.",
    "cli.schedule_list.contoh": (
        'EKINERJA_SCHEDULE__RECONCILE_CRON="30 1 * * *" ekinerja-sync schedule list'
    ),
    "cli.simulate": ("Jalankan SIASN tiruan di loopback dan cetak pengaturan untuk memakainya."),
    "cli.simulate.contoh": "ekinerja-sync simulate --port 8765 --employees 2000 --seed 1",
    "cli.demo": ("Jalankan demo: simulator di loopback, dua malam rekonsiliasi, konflik, laporan."),
    "cli.demo.contoh": "ekinerja-sync demo --employees 3000 --seed 1",
    "cli.doctor": (
        "Periksa konfigurasi, basis data, token dan jawaban SIASN, serta MyASN; "
        "katakan cara memperbaikinya. Keluar 1 bila ada yang rusak."
    ),
    "cli.doctor.contoh": "ekinerja-sync doctor --json",
    "cli.apikey": "Kunci API untuk aplikasi e-Kinerja (antar-server).",
    "cli.apikey_create": ("Buat kunci API; dicetak sekali saja, yang disimpan hanya hash-nya."),
    "cli.apikey_create.contoh": "ekinerja-sync apikey create ekinerja-app",
    "cli.apikey_list": "Daftar kunci API (nama, awalan, dibuat, terakhir dipakai per menit, dicabut).",
    "cli.apikey_list.contoh": "ekinerja-sync apikey list",
    "cli.apikey_revoke": "Cabut kunci API seketika (pemanggil yang memakainya mendapat 401).",
    "cli.apikey_revoke.contoh": "ekinerja-sync apikey revoke ekinerja-app",
    "cli.admin": "Akun admin lokal (cadangan login saat MyASN tidak tersedia).",
    "cli.admin_set_password": (
        "Buat akun admin lokal atau setel kata sandinya (ditanyakan, minimal 12 karakter)."
    ),
    "cli.admin_set_password.contoh": "ekinerja-sync admin set-password admin-bkd",
    "cli.admin_disable": (
        "Nonaktifkan akun admin lokal dan akhiri semua sesinya seketika (set-password mengaktifkannya lagi)."
    ),
    "cli.admin_disable.contoh": "ekinerja-sync admin disable admin-bkd",
    "cli.operator": "Unit yang dikelola operator di luar unitnya sendiri.",
    "cli.operator_grant": "Izinkan operator mengelola satu unit beserta semua unit di bawahnya.",
    "cli.operator_grant.contoh": (
        'ekinerja-sync operator grant 197503052007042001 "Dinas Pendidikan > Bidang SD" --oleh "kepala BKD"'
    ),
    "cli.operator_revoke": "Tarik kembali unit yang pernah diberikan.",
    "cli.operator_revoke.contoh": "ekinerja-sync operator revoke 197503052007042001 UNOR_ID",
    "cli.operator_list": ("Daftar unit yang diberikan (unit operator sendiri selalu ikut terhitung)."),
    "cli.operator_list.contoh": "ekinerja-sync operator list",
    "cli.konflik": "Tinjau dan putuskan konflik data (admin).",
    "cli.konflik_list": "Daftar konflik dengan filter, terurut dan berhalaman.",
    "cli.konflik_list.contoh": "ekinerja-sync konflik list --unit A1B2 --field unor_id --overdue",
    "cli.konflik_show": (
        "Tampilkan satu konflik: nilai, jalur unit, penjelasan, saran tindakan, riwayat dan komentar."
    ),
    "cli.konflik_show.contoh": "ekinerja-sync konflik show 12",
    "cli.konflik_assign": "Tugaskan konflik yang belum diputuskan kepada admin atau operator.",
    "cli.konflik_assign.contoh": "ekinerja-sync konflik assign 12 198001012005011001 --version 1",
    "cli.konflik_comment": "Tambahkan komentar pada riwayat konflik.",
    "cli.konflik_comment.contoh": 'ekinerja-sync konflik comment 12 "menunggu salinan SK"',
    "cli.konflik_resolve": (
        "Putuskan konflik (satu, beberapa, atau semua yang tersaring) "
        "sekaligus atau tidak sama sekali, dengan alasan."
    ),
    "cli.konflik_resolve.contoh": (
        'ekinerja-sync konflik resolve 12 13 --keputusan ambil_siasn --alasan "SK terbit"'
    ),
    "cli.konflik_export": ("Ekspor konflik yang tersaring (atau usulan perbaikan) sebagai CSV atau JSON."),
    "cli.konflik_export.contoh": "ekinerja-sync konflik export --usulan --format csv -o usulan.csv",
    "cli.roster": "Roster: NIP mana saja yang dimiliki instansi.",
    "cli.roster_import": 'Impor CSV "Export Data ASN" dari SIASN ke roster.',
    "cli.roster_import.contoh": "ekinerja-sync roster import export-data-asn.csv --strict",
    "cli.reconcile": (
        "Rekonsiliasi seluruh instansi dengan SIASN (melanjutkan run yang "
        "terputus). Kode keluar: 0 selesai, 1 dibatalkan atau dihentikan, "
        "3 ditahan pengaman (setujui di konsol atau dengan runs setujui), 4 run lain sedang "
        "berjalan, 2 masukan atau konfigurasi salah, 130 berhenti mengikuti run --queue "
        "(run tetap dikerjakan worker)."
    ),
    "cli.reconcile.contoh": "ekinerja-sync reconcile --rate 20 --json",
    "cli.runs": "Run rekonsiliasi.",
    "cli.runs_list": ("Daftar run rekonsiliasi, terbaru dulu (waktu dalam zona waktu yang dikonfigurasi)."),
    "cli.runs_list.contoh": "ekinerja-sync runs list --limit 5",
    "cli.runs_show": ("Tampilkan laporan satu run, dan dengan --items apa yang terjadi pada setiap pegawai."),
    "cli.runs_show.contoh": "ekinerja-sync runs show 3f2a --items --situasi left",
}

_ARGS: dict[str, str] = {
    "cli.arg.nip": "NIP 18 digit",
    "cli.arg.nip_spaces": "NIP 18 digit (boleh berspasi)",
    "cli.arg.nip_claimant": "NIP pejabat struktural yang mengklaim unit",
    "cli.arg.nip_operator": "NIP operator (nama pengguna MyASN-nya)",
    "cli.arg.assignments": "pasangan isian=nilai",
    "cli.arg.unor_id": "unit: kode unor SIASN, jalur lengkap, atau kata dari namanya (`unor cari`)",
    "cli.arg.unor_id_grant": (
        "unit: kode unor SIASN, jalur lengkap, atau kata yang cocok dengan "
        "tepat satu unit (lihat `unor cari`); semua unit di bawahnya ikut"
    ),
    "cli.arg.unor_id_granted": "unit yang pernah diberikan (kode, jalur, atau kata dari namanya)",
    "cli.arg.apikey_name": "untuk siapa kunci ini, mis. ekinerja-app",
    "cli.arg.apikey_revoke": "nama kunci",
    "cli.arg.username": "nama pengguna admin lokal",
    "cli.opt.json": "cetak sebagai JSON",
    "cli.arg.conflict_id": "id konflik",
    "cli.arg.conflict_ids": "id konflik (atau --semua)",
    "cli.arg.konflik_assignee": (
        "NIP atau akun lokal orang yang dikenal sistem (lihat `konflik penerima`); kosong berarti "
        "penugasan dicabut"
    ),
    "cli.arg.comment": "isi komentar",
    "cli.arg.roster_file": "berkas CSV",
    "cli.arg.run_id": "id run atau awalannya yang unik",
    "cli.opt.konflik_unit": (
        "unit (kode unor, jalur lengkap, atau kata dari namanya; lihat "
        "`unor cari`): unit itu beserta semua unit di bawahnya"
    ),
    "cli.opt.konflik_field": "nama isian, mis. unor_id",
    "cli.opt.konflik_situasi": "merge, unor_dihapus, klaim atau skp_nilai",
    "cli.opt.konflik_status": "open, assigned, resolved, superseded (boleh diulang)",
    "cli.opt.konflik_assignee": "ditugaskan kepada",
    "cli.opt.konflik_min_age": "dibuka paling sedikit N hari yang lalu",
    "cli.opt.konflik_overdue": "hanya konflik yang lewat tenggat",
    "cli.opt.konflik_cari": "NIP atau nama mengandung teks ini",
    "cli.opt.konflik_sort": "dibuka, -dibuka, nip, unit, ... (awali - untuk menurun)",
    "cli.opt.konflik_version": "versi yang Anda lihat (ditolak bila sudah berubah)",
    "cli.opt.page": "nomor halaman, mulai dari 1",
    "cli.opt.per_page": "baris per halaman",
    "cli.opt.oleh_audit": "nama Anda untuk log audit",
    "cli.opt.keputusan": "keputusan yang diambil",
    "cli.opt.alasan_decide": "alasan keputusan (wajib)",
    "cli.opt.nilai": "nilai untuk tetapkan_nilai",
    "cli.opt.versi": "ID=VERSI yang Anda lihat (boleh diulang)",
    "cli.opt.semua": "semua konflik yang cocok dengan filter di bawah",
    "cli.opt.export_format": "csv atau json",
    "cli.opt.output": "berkas tujuan (default keluaran standar)",
    "cli.opt.usulan": "ekspor usulan perbaikan ke SIASN per unit, bukan konflik",
    "cli.opt.strict": "tolak seluruh berkas bila ada satu baris yang bermasalah",
    "cli.opt.json_report": "cetak laporan sebagai JSON",
    "cli.opt.dry_run": "rencanakan dan laporkan saja, tidak menulis apa pun",
    "cli.opt.confirm": "terapkan run yang ditahan pengaman",
    "cli.opt.rate": "permintaan SIASN per detik (0 = tanpa batas)",
    "cli.opt.concurrency": "permintaan yang berjalan bersamaan",
    "cli.opt.batch_size": "pegawai per titik simpan (checkpoint)",
    "cli.opt.guard_sample": (
        "periksa pengaman gagal/NIP tak dikenal mulai dari sekian pegawai "
        "yang sudah diambil (berhenti lebih awal)"
    ),
    "cli.opt.runs_limit": "berapa run, terbaru dulu",
    "cli.opt.items": "setiap pegawai: situasi, perubahan, penyebab gagal, alasan keluar",
    "cli.opt.runs_situasi": "hanya pegawai dalam situasi ini (dengan --items)",
    "cli.opt.json_outcome": "cetak hasilnya sebagai JSON",
    "cli.opt.json_doctor": "cetak temuan sebagai JSON",
    "cli.opt.actor_edit": "siapa yang mengubah",
    "cli.opt.reason_edit": "alasannya (disimpan di log audit)",
    "cli.opt.actor_claim": "siapa yang mencatat klaim",
    "cli.opt.reason_claim": "dasarnya, mis. nomor SK",
    "cli.opt.by_grant": "siapa yang memberi izin (audit)",
    "cli.opt.password_stdin": "baca kata sandi dari masukan standar (stdin)",
    "cli.opt.host": "alamat bind (default EKINERJA_API__HOST)",
    "cli.opt.port": "port (default EKINERJA_API__PORT)",
    "cli.opt.sim_port": "port di 127.0.0.1",
    "cli.opt.employees": "jumlah pegawai di provinsi buatan",
    "cli.opt.seed": "seed provinsi buatan",
    "cli.opt.latency_ms": "tambahan latensi per panggilan API (ms)",
    "cli.opt.error_rate": "porsi panggilan API yang dijawab 503",
    "cli.opt.demo_db": "berkas SQLite yang ditulis (dibuat ulang)",
    "cli.col.name": "nama",
    "cli.col.prefix": "awalan",
    "cli.col.created": "dibuat",
    "cli.col.last_used": "terakhir dipakai",
    "cli.col.revoked": "dicabut",
    "cli.col.nip": "nip",
    "cli.col.unor": "unor",
    "cli.col.by": "oleh",
    "cli.col.since": "sejak",
}

_OUTPUT: dict[str, str] = {
    "cli.bad_number": "{name}: {problem}",
    "cli.database_unavailable": "basis data tidak dapat dihubungi: {detail}",
    "cli.database_full": (
        "ruang disk basis data habis; tidak ada yang tersimpan setengah jalan. Kosongkan ruang "
        "disk, lalu jalankan perintah yang sama lagi (ia melanjutkan dari yang sudah selesai)"
    ),
    "cli.database_locked": (
        "basis data sedang dikunci oleh proses lain terlalu lama; tidak ada yang tersimpan "
        "setengah jalan. Coba lagi sebentar lagi"
    ),
    "cli.database_missing": (
        "belum ada basis data di {path} (EKINERJA_DATABASE_URL); setel EKINERJA_DATABASE_URL ke "
        "basis data yang dipakai, atau siapkan yang baru dengan `ekinerja-sync db upgrade`"
    ),
    "cli.database_uninitialised": (
        "basis data {where} (EKINERJA_DATABASE_URL) masih kosong; setel EKINERJA_DATABASE_URL ke "
        "basis data yang dipakai, atau siapkan dengan `ekinerja-sync db upgrade`"
    ),
    "cli.schema_behind": (
        "basis data {where} pada skema {current}, versi ini membutuhkan {head}; jalankan "
        "`ekinerja-sync db upgrade` dulu"
    ),
    "cli.doctor.db_missing": "belum ada basis data di {path} (EKINERJA_DATABASE_URL)",
    "cli.doctor.db_new": "basis data {where} baru: belum ada skema maupun data",
    "cli.doctor.db_empty": "basis data {where} kosong: belum ada pegawai maupun run",
    "cli.doctor.db_new_fix": (
        "bila ini instalasi baru, jalankan `ekinerja-sync db upgrade` lalu `ekinerja-sync reconcile`; "
        "bila bukan, setel EKINERJA_DATABASE_URL ke basis data yang dipakai"
    ),
    "cli.status.created": "dibuat",
    "cli.status.updated": "diperbarui",
    "cli.status.confirmed": "sesuai",
    "cli.status.conflict": "konflik",
    "cli.status.not_found": "tidak ditemukan",
    "cli.status.failed": "gagal",
    "cli.status.left": "keluar",
    "cli.status.ambiguous": "ganda/ambigu",
    "cli.sinkron_refused": "{status} ({code}): {reason}",
    "cli.atasan": "atasan",
    "cli.applied": "diterapkan",
    "cli.converged": "konvergen",
    "cli.converged_detail": "{field}: nilai lokal kini sama dengan SIASN",
    "cli.conflict": "konflik",
    "cli.warning": "peringatan",
    "cli.edit.bad_assignment": "diharapkan isian=nilai (mis. no_hp=0812...)",
    "cli.edit.repeated_field": "isian {field} disebut lebih dari sekali",
    "cli.edit.no_change": "tidak ada perubahan (nilai sama)",
    "cli.unor.refreshed": "{units} unit: {counts}",
    "cli.unor.change.new": "baru",
    "cli.unor.change.renamed": "berganti nama",
    "cli.unor.change.moved": "pindah induk",
    "cli.unor.change.head_changed": "ganti pimpinan",
    "cli.unor.change.removed": "dihapus",
    "cli.db.empty": "(kosong)",
    "cli.db.upgraded": "skema {before} -> {after}",
    "cli.db.status": "basis data {current}, kode {head}: {state}",
    "cli.db.up_to_date": "mutakhir",
    "cli.db.upgrade_needed": "perlu upgrade (jalankan: ekinerja-sync db upgrade)",
    "cli.serve.siasn_missing": (
        "perhatian: {reason}. Konsol admin, API tinjauan konflik dan login "
        "tetap berjalan; Sinkron SIASN menjawab 503 dan jadwal malam "
        "dimatikan sampai SIASN dikonfigurasi."
    ),
    "cli.serve.listening": "Mendengarkan di {host}:{port}",
    "cli.serve.port_busy": (
        "port {port} di {host} sudah dipakai program lain (serve yang lain?); hentikan program itu "
        "atau pilih port lain dengan --port atau EKINERJA_API__PORT"
    ),
    "cli.serve.port_denied": (
        "port {port} tidak boleh dipakai oleh pengguna ini (port di bawah 1024 butuh hak root); "
        "pilih port lain dengan --port atau EKINERJA_API__PORT"
    ),
    "cli.serve.bad_host": (
        "alamat {host} bukan alamat mesin ini; pilih yang lain dengan --host atau EKINERJA_API__HOST"
    ),
    "cli.serve.console": "  konsol admin : {url}",
    "cli.serve.login": "  login        : {url}",
    "cli.serve.api": "  HTTP API     : {url}",
    "cli.serve.docs": "  dokumentasi  : {url}",
    "cli.serve.public": "  alamat publik: {url}/login (EKINERJA_AUTH__PUBLIC_URL)",
    "cli.serve.exposed": ("  perhatian: {host} bukan loopback; layanan terbuka bagi mesin lain di jaringan"),
    "cli.serve.nightly_on": ("Jadwal malam: aktif (cron {cron}, zona waktu {timezone}); berikutnya {next}"),
    "cli.serve.nightly_off": "Jadwal malam: nonaktif (EKINERJA_SCHEDULE__ENABLED=false)",
    "cli.serve.bad_schedule": (
        "jadwal tidak terbaca: EKINERJA_SCHEDULE__RECONCILE_CRON atau EKINERJA_SCHEDULE__TIMEZONE; "
        "tulis 5 kolom cron, contoh: 0 1 * * *"
    ),
    "cli.schedule.job": (
        "{id}: {name}, {trigger}, berikutnya {next} (coalesce {coalesce}, max_instances {max_instances})"
    ),
    "cli.demo.sim_started": (
        "SIASN tiruan untuk {instansi}: {pegawai} pegawai, {units} unor, seed {seed}, di {url}"
    ),
    "cli.demo.use_it": "Pakai dengan:",
    "cli.demo.myasn_login": "Login MyASN (realm public-siasn), untuk `serve`:",
    "cli.demo.sample_nips": "Contoh NIP: {nips}",
    "cli.demo.roster_csv": (
        "CSV roster (Export Data ASN): {url}/_sim/export-data-asn.csv; majukan "
        "dunia tiruan sehari: POST {url}/_sim/advance-day"
    ),
    "cli.demo.operator_of": "operator {unit}",
    "cli.demo.login_line": "login {nip} / {password} ({label})",
    "cli.demo.sim_not_started": "proses simulator tidak mau mulai",
    "cli.demo.world_too_small": "provinsi demo tidak punya pegawai yang diubah oleh demo",
    "cli.demo.started": "[bold]Simulator SIASN[/] ({employees} pegawai, seed {seed}) di {url}; "
    "basis data {db}",
    "cli.demo.step_roster": "[bold]1. Roster[/]: {count} NIP dari Export Data ASN",
    "cli.demo.step_next_day": (
        "[bold]2. Sehari kemudian di SIASN[/]: mutasi {mutasi}, kenaikan "
        "pangkat {naik_pangkat}, pensiun {pensiun}, meninggal {meninggal}, "
        "CPNS baru {cpns_baru}, unit digabung {unit_merged}, pimpinan baru "
        "{new_head}"
    ),
    "cli.demo.local_edits": (
        "   Di e-Kinerja: operator mengubah nomor HP satu pegawai dan unit "
        "kerja pegawai {nip} (yang juga dimutasi di SIASN); Export Data ASN "
        "baru diunggah ({count} NIP baru)."
    ),
    "cli.demo.step_sinkron": "[bold]3. Sinkron SIASN[/] satu pegawai (tombol di profil):",
    "cli.demo.see_more": (
        "Lihat lebih lanjut: EKINERJA_DATABASE_URL={url} ekinerja-sync runs list | pegawai show {nip}"
    ),
    "cli.demo.waiting_conflicts": "[bold]Konflik menunggu admin[/] ({count}):",
    "cli.doctor.ok": "ok",
    "cli.doctor.warn": "awas",
    "cli.doctor.error": "RUSAK",
    "cli.doctor.skip": "lewati",
    "cli.doctor.fix": "perbaikan",
    "cli.doctor.fix_config": "betulkan variabel EKINERJA_* yang disebut",
    "cli.doctor.db_unreachable": "tidak dapat terhubung ke {where}: {error}",
    "cli.doctor.db_unreachable_fix": "periksa EKINERJA_DATABASE_URL dan pastikan server basis data berjalan",
    "cli.doctor.db_behind": "{where} pada skema {current}, kode membutuhkan {head}",
    "cli.doctor.db_behind_fix": "jalankan `ekinerja-sync db upgrade`",
    "cli.doctor.db_ok": "{where} pada skema {head}",
    "cli.doctor.no_api_key": (
        "belum ada kunci API ({admins} akun admin lokal): aplikasi e-Kinerja tidak dapat memanggil API"
    ),
    "cli.doctor.no_api_key_fix": "buat dengan `ekinerja-sync apikey create ekinerja-app`",
    "cli.doctor.access_ok": "{keys} kunci API, {admins} akun admin lokal",
    "cli.doctor.config_fix": "setel variabel yang disebut, lihat README",
    "cli.doctor.api_skipped": "tidak dicoba: ada token yang belum didapat",
    "cli.doctor.mode": "mode {mode}, ",
    "cli.doctor.token_no_expiry": "token didapat (masa berlaku tidak disebutkan)",
    "cli.doctor.token_valid": "berlaku sampai {expires} (sisa {left})",
    "cli.doctor.renew_sso": "perbarui token SSO sebelum kedaluwarsa (lihat README)",
    "cli.doctor.answer_profile": "sebuah profil",
    "cli.doctor.answer_none": "'Data tidak ditemukan' (token diterima)",
    "cli.doctor.api_ok": "data-utama menjawab {answer}",
    "cli.doctor.unreachable_fix": (
        "tidak dapat menjangkau {host}: periksa pengaturan URL, DNS, "
        "proxy dan firewall (SIASN hanya menjawab alamat IP yang "
        "masuk whitelist)"
    ),
    "cli.doctor.apim_fix": "periksa EKINERJA_SIASN__CONSUMER_KEY dan EKINERJA_SIASN__CONSUMER_SECRET",
    "cli.doctor.sso_fix": "perbarui kredensial SSO seperti yang disebut pesannya",
    "cli.doctor.tls_fix": (
        "sertifikat TLS {host} tidak dapat diverifikasi: untuk CA milik instansi (proxy TLS) setel "
        "EKINERJA_SIASN__CA_BUNDLE ke berkas PEM-nya; periksa juga jam mesin dan nama host di URL"
    ),
    "cli.doctor.unexpected_fix": "lihat pesannya; {host} menjawab tetapi tidak seperti yang diharapkan",
    "cli.doctor.myasn_off": (
        "login dengan ASN Digital nonaktif; hanya akun admin lokal dan kunci API yang berfungsi"
    ),
    "cli.doctor.myasn_off_fix": "setel EKINERJA_MYASN__CLIENT_ID",
    "cli.doctor.myasn_issuer_fix": "periksa EKINERJA_MYASN__ISSUER",
    "cli.doctor.myasn_ok": "realm {issuer} menjawab; {keys} kunci penandatangan",
    "cli.doctor.hours_minutes": "{hours} jam {minutes} menit",
    "cli.doctor.minutes": "{minutes} menit",
    "cli.apikey.created": (
        "Kunci API {name} dibuat. Simpan sekarang: kunci tidak dapat "
        "ditampilkan lagi. Kirim sebagai header X-API-Key."
    ),
    "cli.apikey.revoked": "Kunci API {name} dicabut",
    "cli.admin.password_prompt": "Kata sandi",
    "cli.admin.password_repeat": "Ulangi kata sandi",
    "cli.admin.password_mismatch": "kedua kata sandi yang diketik tidak sama; tidak ada yang diubah",
    "cli.admin.password_set": "admin lokal {username} dapat login di /login",
    "cli.operator.granted": "{nip} kini mengelola unit {unor_id} dan unit-unit di bawahnya",
    "cli.operator.revoked": "izin unit {unor_id} untuk {nip} dicabut",
}

ID: dict[str, str] = {**_HELP, **_ARGS, **_OUTPUT}
