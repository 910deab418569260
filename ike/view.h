/*
 * ike/view.h — a borrowed byte string: a window into a message, a nonce, a
 * key. The owner of the bytes says how long the view stays valid.
 */
#ifndef UIPSEC_IKE_VIEW_H
#define UIPSEC_IKE_VIEW_H

#include <stddef.h>
#include <stdint.h>

struct ike_view {
	const uint8_t	*p;
	size_t		 len;
};

#endif
