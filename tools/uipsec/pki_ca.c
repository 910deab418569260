/*
 * tools/uipsec/pki_ca.c — the CA directory: its own certificate and key
 * (DIR/ca/), the index of what it issued (DIR/ca/index.txt, one
 * tab-separated line per certificate), and careful file writing (new
 * files only, keys 0600, atomic replace for the index and the CRL).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "pki.h"

int
pki_mkdirs(const char *dir)
{
	static const char *const subs[] = { "", "/ca", "/x509ca", "/x509",
	    "/private", "/x509crl" };
	char path[4096];

	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", dir, subs[i]);
		if (mkdir(path, !strcmp(subs[i], "/ca") ||
		    !strcmp(subs[i], "/private") ? 0700 : 0755) != 0 &&
		    errno != EEXIST) {
			fprintf(stderr, "uipsec pki: cannot create %s: %s\n",
			    path, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
pki_write_file(const char *path, const void *data, size_t len, int mode,
    bool replace)
{
	char tmp[4096];
	int fd;

	if (!replace && access(path, F_OK) == 0) {
		fprintf(stderr, "uipsec pki: %s exists; not overwriting it\n",
		    path);
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, mode)) < 0) {
		fprintf(stderr, "uipsec pki: cannot create %s: %s\n", tmp,
		    strerror(errno));
		return -1;
	}
	if (write(fd, data, len) != (ssize_t)len || fsync(fd) != 0 ||
	    close(fd) != 0 || rename(tmp, path) != 0) {
		fprintf(stderr, "uipsec pki: cannot write %s: %s\n", path,
		    strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* Writes what fn encodes into a memory BIO (secure heap for keys). */
static int
write_pem(const char *path, int mode, bool replace, bool secret,
    int (*fn)(BIO *, void *, const void *), void *obj, const void *arg)
{
	BIO *bio = BIO_new(secret ? BIO_s_secmem() : BIO_s_mem());
	char *data;
	long len;
	int rc = -1;

	if (bio != NULL && fn(bio, obj, arg) &&
	    (len = BIO_get_mem_data(bio, &data)) > 0)
		rc = pki_write_file(path, data, (size_t)len, mode, replace);
	else
		fprintf(stderr, "uipsec pki: cannot encode %s\n", path);
	BIO_free(bio);	/* a secmem BIO clears its buffer */
	return rc;
}

static int
pem_cert(BIO *bio, void *obj, const void *arg)
{
	return PEM_write_bio_X509(bio, obj);
}

static int
pem_crl(BIO *bio, void *obj, const void *arg)
{
	return PEM_write_bio_X509_CRL(bio, obj);
}

static int
pem_key(BIO *bio, void *obj, const void *arg)
{
	const char *pass = arg;

	return PEM_write_bio_PKCS8PrivateKey(bio, obj,
	    pass ? EVP_aes_256_cbc() : NULL, pass ? (char *)pass : NULL,
	    pass ? (int)strlen(pass) : 0, NULL, NULL);
}

int
pki_write_cert(const char *path, X509 *cert, bool replace)
{
	return write_pem(path, 0644, replace, false, pem_cert, cert, NULL);
}

int
pki_write_crl(const char *path, X509_CRL *crl)
{
	return write_pem(path, 0644, true, false, pem_crl, crl, NULL);
}

int
pki_write_key(const char *path, EVP_PKEY *key, const char *passphrase_file)
{
	struct certs_err err;
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (passphrase_file != NULL) {
		if (certs_read_file(passphrase_file, &buf, &len, &err) !=
		    CERTS_OK) {
			pki_err("key", &err);
			return -1;
		}
		buf[strcspn((char *)buf, "\r\n")] = '\0';
		if (buf[0] == '\0') {
			fprintf(stderr, "uipsec pki: passphrase file %s is "
			    "empty\n", passphrase_file);
			certs_buf_free(buf, len + 1);
			return -1;
		}
	}
	rc = write_pem(path, 0600, false, true, pem_key, key, buf);
	certs_buf_free(buf, len + 1);
	return rc;
}

/* ---- the CA itself ---- */

int
pki_ca_open(struct pki_ca *ca, const char *dir, const char *passphrase_file)
{
	struct certs_cert *cert = NULL;
	struct certs_key *key = NULL;
	struct certs_err err;
	char path[4096];
	char cn[128] = "";

	memset(ca, 0, sizeof(*ca));
	snprintf(ca->dir, sizeof(ca->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/ca/cert.pem", dir);
	if (certs_cert_load(path, &cert, &err) != CERTS_OK) {
		fprintf(stderr, "uipsec pki: %s is not a CA directory (see "
		    "init-ca): %s\n", dir, err.reason);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/ca/key.pem", dir);
	if (certs_key_load(path, passphrase_file, &key, &err) != CERTS_OK) {
		certs_cert_free(cert);
		fprintf(stderr, "uipsec pki: CA key: %s%s\n", err.reason,
		    err.status == CERTS_ERR_KEY && passphrase_file == NULL ?
		    " (--passphrase-file FILE)" : "");
		return -1;
	}
	if (!certs_key_matches_cert(key, cert)) {
		fprintf(stderr, "uipsec pki: %s/ca/key.pem does not belong to "
		    "%s/ca/cert.pem\n", dir, dir);
		certs_cert_free(cert);
		certs_key_free(key);
		return -1;
	}
	/* Take the OpenSSL objects out of their wrappers. */
	ca->cert = cert->x509;
	X509_up_ref(ca->cert);
	ca->key = key->pkey;
	EVP_PKEY_up_ref(ca->key);
	certs_cert_free(cert);
	certs_key_free(key);
	X509_NAME_get_text_by_NID(X509_get_subject_name(ca->cert),
	    NID_commonName, cn, sizeof(cn));
	pki_slug(cn, ca->name, sizeof(ca->name));
	return 0;
}

void
pki_ca_close(struct pki_ca *ca)
{
	X509_free(ca->cert);
	EVP_PKEY_free(ca->key);
	memset(ca, 0, sizeof(*ca));
}

int
pki_ca_run(const char *dir, const char *passphrase_file,
    int (*fn)(struct pki_ca *, const void *), const void *arg)
{
	struct pki_ca ca;
	int rc;

	if (pki_ca_open(&ca, dir, passphrase_file) != 0)
		return 1;
	rc = fn(&ca, arg);
	pki_ca_close(&ca);
	return rc;
}

/* ---- the index ---- */

time_t
pki_asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	return ASN1_TIME_to_tm(t, &tm) ? timegm(&tm) : 0;
}

static void
index_path(const char *dir, char *buf, size_t cap)
{
	snprintf(buf, cap, "%s/ca/index.txt", dir);
}

static int
parse_line(char *line, struct pki_entry *e)
{
	char *f[7], *save = NULL;
	int n = 0;

	for (char *t = strtok_r(line, "\t\n", &save); t && n < 7;
	    t = strtok_r(NULL, "\t\n", &save))
		f[n++] = t;
	if (n != 7 || (f[1][0] != 'V' && f[1][0] != 'R'))
		return -1;
	memset(e, 0, sizeof(*e));
	snprintf(e->serial, sizeof(e->serial), "%s", f[0]);
	e->status = f[1][0];
	e->not_after = (time_t)strtoll(f[2], NULL, 10);
	e->revoked_at = (time_t)strtoll(f[3], NULL, 10);
	e->reason = atoi(f[4]);
	snprintf(e->name, sizeof(e->name), "%s", f[5]);
	snprintf(e->subject, sizeof(e->subject), "%s", f[6]);
	return 0;
}

int
pki_index_read(const char *dir, struct pki_entry **out, size_t *n)
{
	char path[4096], line[1024];
	struct pki_entry *v = NULL, *nv;
	size_t cap = 0, lineno = 0;
	FILE *f;

	*out = NULL;
	*n = 0;
	index_path(dir, path, sizeof(path));
	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				goto fail;
			v = nv;
		}
		if (parse_line(line, &v[*n]) != 0) {
			fprintf(stderr, "uipsec pki: %s:%zu is damaged\n", path,
			    lineno);
			goto fail;
		}
		(*n)++;
	}
	fclose(f);
	*out = v;
	return 0;
fail:
	fclose(f);
	free(v);
	*n = 0;
	return -1;
}

static int
format_entry(char *buf, size_t cap, const struct pki_entry *e)
{
	return snprintf(buf, cap, "%s\t%c\t%lld\t%lld\t%d\t%s\t%s\n",
	    e->serial, e->status, (long long)e->not_after,
	    (long long)e->revoked_at, e->reason, e->name, e->subject);
}

int
pki_index_write(const char *dir, const struct pki_entry *v, size_t n)
{
	char path[4096], *buf;
	size_t cap = (n + 1) * 1024, len = 0;
	int rc;

	if ((buf = malloc(cap)) == NULL)
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)format_entry(buf + len, cap - len, &v[i]);
	index_path(dir, path, sizeof(path));
	rc = pki_write_file(path, buf, len, 0600, true);
	free(buf);
	return rc;
}

int
pki_index_add(const char *dir, X509 *cert, const char *name)
{
	struct pki_entry *v, *nv;
	size_t n;
	int rc;

	if (pki_index_read(dir, &v, &n) != 0 ||
	    (nv = reallocarray(v, n + 1, sizeof(*v))) == NULL) {
		fprintf(stderr, "uipsec pki: cannot read %s/ca/index.txt\n",
		    dir);
		return -1;
	}
	v = nv;
	memset(&v[n], 0, sizeof(v[n]));
	certs_serial_str(X509_get0_serialNumber(cert), v[n].serial,
	    sizeof(v[n].serial));
	v[n].status = 'V';
	v[n].not_after = pki_asn1_time(X509_get0_notAfter(cert));
	v[n].reason = -1;
	snprintf(v[n].name, sizeof(v[n].name), "%s", name);
	certs_name_str(X509_get_subject_name(cert), v[n].subject,
	    sizeof(v[n].subject));
	rc = pki_index_write(dir, v, n + 1);
	free(v);
	return rc;
}
