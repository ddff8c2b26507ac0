/* SPDX-License-Identifier: EUPL-1.2 */
/* What the files of core/saml share: the lasso objects of one call. */
#ifndef RATHAUS_SAML_INT_H
#define RATHAUS_SAML_INT_H

#include "core/saml.h"

#include <lasso/lasso.h>

/* Set up lasso once per process and quiet libxml2 on this thread.  0 or ERR_INTERNAL. */
int saml_ready(struct err *e);

/* The lasso server of one call and the memory files of our key and certificate. */
struct saml_server {
	LassoServer *s;
	int key_fd, cert_fd;
	char key_path[32], cert_path[32];
};

/*
 * A LassoServer of our metadata and key with the one IdP of `idp_metadata`
 * (caller releases with saml_server_release()); *idp_id is the IdP's entity
 * id, borrowed from the server.  ERR_FORBIDDEN for unusable IdP metadata.
 */
int saml_server_new(const struct saml_sp *sp, const char *idp_metadata, struct saml_server *sv,
		    const char **idp_id, struct err *e);
/* Free what saml_server_new() made; after a failed one too. */
void saml_server_release(struct saml_server *sv);

#endif
