/*
 * ike/credentials.c — our certificates and keys, and the trust store, from
 * a swanctl credential tree (swanctl(8), doc/pki.md): x509ca/ anchors,
 * x509/ our certificates and intermediates, x509crl/ CRLs, private/ (and
 * rsa/, ecdsa/, pkcs8/) keys, matched to the certificate they belong to.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "ike/engine_internal.h"

static void
cred_dir(const struct ike_config *cfg, char *out, size_t cap)
{
	char tmp[IKE_PATH_MAX];

	if (cfg->swanctl_dir[0] != '\0') {
		snprintf(out, cap, "%s", cfg->swanctl_dir);
	} else if (cfg->file != NULL) {
		snprintf(tmp, sizeof(tmp), "%s", cfg->file);
		snprintf(out, cap, "%s", dirname(tmp));
	} else {
		out[0] = '\0';
	}
}

/* swanctl.conf: relative paths are below the tree's subdirectory. */
static void
resolve(const char *dir, const char *sub, const char *name, char *out,
    size_t cap)
{
	if (name[0] == '/' || dir[0] == '\0')
		snprintf(out, cap, "%s", name);
	else
		snprintf(out, cap, "%s/%s/%s", dir, sub, name);
}

/* The key in path if it is there and belongs to cert, else NULL. */
static struct certs_key *
key_if_matches(const char *path, const struct certs_cert *cert)
{
	struct certs_key *key;

	if (certs_key_load(path, NULL, &key, NULL) != CERTS_OK)
		return NULL;	/* missing, encrypted or not a key */
	if (certs_key_matches_cert(key, cert))
		return key;
	certs_key_free(key);
	return NULL;
}

/*
 * The keys loaded so far, by the file they came from (device and inode, so
 * links to one file are one entry): connections whose keys are one file
 * share one key. Why: OpenSSL computes what an RSA key's signatures need
 * (Montgomery contexts, blinding) at its first signature and keeps it with
 * the key; `uipsec load`'s thousands of CCUs with one shared key file
 * (`uipsec load pki --shared-key`) paid that, ~0.6 ms, at every set-up.
 * Open addressing; borrowed keys, owned by the credentials.
 */
struct key_file {
	dev_t		 dev;
	ino_t		 ino;
	struct certs_key *key;		/* NULL: free slot */
};

struct key_files {
	struct key_file	*slot;
	size_t		 mask;		/* slots - 1; slots: a power of 2 */
};

static int
key_files_init(struct key_files *kf, size_t n)
{
	size_t slots = 16;

	while (slots < 2 * n)
		slots *= 2;
	kf->mask = slots - 1;
	kf->slot = calloc(slots, sizeof(*kf->slot));
	return kf->slot != NULL ? 0 : -1;
}

static struct key_file *
key_files_find(struct key_files *kf, const struct stat *st)
{
	size_t i = ((uint64_t)st->st_ino * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)st->st_dev) & kf->mask;

	while (kf->slot[i].key != NULL && (kf->slot[i].dev != st->st_dev ||
	    kf->slot[i].ino != st->st_ino))
		i = (i + 1) & kf->mask;
	return &kf->slot[i];	/* at most half full: always ends */
}

/* The key in path, shared with an earlier connection's if it came from the
 * same file; NULL if there is none or it is not cert's. */
static struct certs_key *
key_file_load(struct key_files *kf, const char *path,
    const struct certs_cert *cert)
{
	struct key_file *f;
	struct certs_key *key;
	struct stat st;

	if (stat(path, &st) != 0)
		return NULL;
	f = key_files_find(kf, &st);
	if (f->key != NULL)
		return certs_key_matches_cert(f->key, cert) ?
		    certs_key_share(f->key) : NULL;
	if ((key = key_if_matches(path, cert)) != NULL) {
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		f->key = key;
	}
	return key;
}

/* The key that belongs to cert (loaded from cert_path): first the file of
 * the same name in private/ beside the certificate's x509/ (as `uipsec pki
 * issue` writes them), then any in DIR/{private,rsa,ecdsa,pkcs8}/. The
 * first probe keeps thousands of connections (`uipsec load`) from costing
 * a scan of every key each. */
static struct certs_key *
find_key(struct key_files *kf, const char *dir, const char *cert_path,
    const struct certs_cert *cert)
{
	static const char *const subs[] = { "private", "rsa", "ecdsa", "pkcs8" };
	char path[4 * IKE_PATH_MAX + 32], tmp[2 * IKE_PATH_MAX + 16];
	const char *slash = strrchr(cert_path, '/');
	struct certs_key *key;
	struct dirent *de;
	size_t i;
	DIR *d;

	snprintf(tmp, sizeof(tmp), "%s", cert_path);
	snprintf(path, sizeof(path), "%s/../%s/%s", dirname(tmp),
	    IKE_CRED_PRIVATE, slash ? slash + 1 : cert_path);
	if ((key = key_file_load(kf, path, cert)) != NULL)
		return key;
	for (i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, subs[i]);
		if ((d = opendir(path)) == NULL)
			continue;
		key = NULL;
		while (key == NULL && (de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/%s", dir, subs[i],
			    de->d_name);
			key = key_if_matches(path, cert);
		}
		closedir(d);
		if (key != NULL)
			return key;
	}
	return NULL;
}

static int
load_conn(struct ike_engine *e, struct key_files *kf, const char *dir,
    const struct ike_conn_cfg *c, struct ike_cred *cr)
{
	char path[2 * IKE_PATH_MAX + 16];
	struct certs_cert *ca;
	struct certs_err err = { 0 };
	const struct certs_cert *ee;
	size_t i;

	if (c->local.n_certs == 0) {
		log_err("%s: local.certs is empty (only certificate "
		    "authentication is supported)", c->name);
		return -1;
	}
	resolve(dir, "x509", c->local.certs[0], path, sizeof(path));
	if (certs_chain_load(path, &cr->chain, &err) != CERTS_OK ||
	    certs_store_complete_chain(e->store, cr->chain, &err) != CERTS_OK) {
		log_err("%s: %s: %s", c->name, path, err.reason);
		return -1;
	}
	ee = certs_chain_get(cr->chain, 0);
	if ((cr->key = find_key(kf, dir, path, ee)) == NULL) {
		log_err("%s: no private key for %s in %s/private/", c->name,
		    path, dir);
		return -1;
	}
	if (c->local.id_set)
		cr->id = c->local.id;
	else
		certs_cert_subject_id(ee, &cr->id);
	for (i = 0; i < c->remote.n_cacerts; i++) {
		resolve(dir, "x509ca", c->remote.cacerts[i], path, sizeof(path));
		if (certs_cert_load(path, &ca, &err) != CERTS_OK ||
		    certs_store_add_anchor(e->store, ca, &err) != CERTS_OK) {
			log_err("%s: %s: %s", c->name, path, err.reason);
			certs_cert_free(ca);
			return -1;
		}
		certs_cert_subject(ca, cr->cas[cr->n_cas++], CERTS_NAME_MAX);
		certs_cert_free(ca);
	}
	return 0;
}

int
ike_creds_load(struct ike_engine *e)
{
	char dir[IKE_PATH_MAX];
	struct certs_err err = { 0 };
	struct key_files kf;
	size_t i;
	int ret = 0;

	cred_dir(e->cfg, dir, sizeof(dir));
	if (certs_store_new(&e->store, &err) != CERTS_OK ||
	    (dir[0] != '\0' &&
	    certs_store_load_dir(e->store, dir, &err) != CERTS_OK)) {
		log_err("credentials %s: %s", dir, err.reason);
		return -1;
	}
	e->creds = calloc(e->cfg->n_conns ? e->cfg->n_conns : 1,
	    sizeof(*e->creds));
	if (e->creds == NULL || key_files_init(&kf, e->cfg->n_conns) != 0)
		return -1;
	for (i = 0; ret == 0 && i < e->cfg->n_conns; i++)
		ret = load_conn(e, &kf, dir, &e->cfg->conns[i], &e->creds[i]);
	free(kf.slot);
	if (ret != 0)
		return -1;
	/* CERTREQ (§3.7): SHA-1 key hashes of every anchor we trust. */
	if (certs_store_certreq(e->store, e->certreq, sizeof(e->certreq),
	    &e->certreq_len, &err) != CERTS_OK)
		e->certreq_len = 0;
	return 0;
}

void
ike_creds_free(struct ike_engine *e)
{
	size_t i;

	for (i = 0; e->creds != NULL && i < e->cfg->n_conns; i++) {
		certs_chain_free(e->creds[i].chain);
		certs_key_free(e->creds[i].key);
		free(e->creds[i].id_text);
	}
	free(e->creds);
	e->creds = NULL;
	certs_store_free(e->store);
	e->store = NULL;
}
