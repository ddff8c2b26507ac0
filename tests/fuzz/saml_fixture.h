/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * A fixed SAML world for fuzz_saml.c and tests/unit/saml_test.c: the
 * metadata of an IdP, our key pair (test keys made for these two and used
 * nowhere else) and what a response must answer.  The responses of
 * corpus/fuzz_saml/ were signed with that IdP's key and are valid from
 * 2025-12-31T23:59:00Z to 2026-01-01T00:10:00Z.
 */
#ifndef RATHAUS_SAML_FIXTURE_H
#define RATHAUS_SAML_FIXTURE_H

#include "core/saml.h"

#define SAML_FIXTURE_NOW 1767225660 /* 2026-01-01T00:01:00Z */
#define SAML_FIXTURE_END 1767226200 /* 2026-01-01T00:10:00Z: NotOnOrAfter */

static const char IDP_METADATA[] =
	"<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
	"xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" "
	"entityID=\"https://idp.example/metadata\"><md:IDPSSODescriptor "
	"protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
	"<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>"
	"MIIDCTCCAfGgAwIBAgIUFLMKP2SOXML5gglTb2Sev6yL6UcwDQYJKoZIhvcNAQELBQAwEzERMA8G"
	"A1UEAwwIZnV6ei1pZHAwIBcNMjYxMjA1MTIwNjA3WhgPMjEyNjExMTExMjA2MDdaMBMxETAPBgNV"
	"BAMMCGZ1enotaWRwMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmD2Mqy0yhT//TIDY"
	"7KZfj7X86Q2dmwZfDo0IloR8RP6ZsE5hVd8whVkPHONAxWMybth04bRdqQsQZuDrsrj2BptWd732"
	"9gzWTJspNYXW+P15M29lAU/LBw3y0IxrM1pk8Ctvd6B2pb24oTcOOrRQfBOzeswUDpqnxHJdlENR"
	"GPUJ90eRZD1sjax7LwO+w01gCoocKg8XxAa0bP8VLlT3ZlXf3RcrtrktnxhIhWmWvNMF5BOaJPCr"
	"G3xDawjzHbW4F6H7XnR1hFNAnkN7TsUdh/dSvsN2Rvf07QxkGHVYY8SpvANshLSjFQQcvIxYTnXr"
	"bj4vO/8XChoph1fobGHk7wIDAQABo1MwUTAdBgNVHQ4EFgQUHq2WLBfvwF7LdZ7PJpFFtoACPCww"
	"HwYDVR0jBBgwFoAUHq2WLBfvwF7LdZ7PJpFFtoACPCwwDwYDVR0TAQH/BAUwAwEB/zANBgkqhkiG"
	"9w0BAQsFAAOCAQEAbnKnnjX5ZHLjds5zzz4gGJiJYQwB71cWk2thkEvUHcHtlgBwzWMES6v7g6hv"
	"xp1OF2z9/AXprfWtA4wYrXxXPkaVGGpQO9fL5bcymY44EJKAPWW9eKaERDq9DIcd8EO0wHp+z7YW"
	"mKWMv4Xr69xoEKvBA9XJhZW5MeZUgz70NcJNVMy659NhSv2xLV/7QJe9mt7uEnFg1Bq1e2V0qnBC"
	"ApDPlMHAJkjvawjDCiyWITRiekOvdM7hq/kTl/VAnesriPXM5lMU0GD17QBmFG0jS7znZlmKRjCJ"
	"Nu1HIShpyG/ELSeYcUvs9C72nEL9/G6m2Ifm22zLaymqzcLO/EVveA=="
	"</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
	"<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
	"Location=\"https://idp.example/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>";

static const char SP_KEY[] = "-----BEGIN PRIVATE KEY-----\n"
			     "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDLMIq2MEpF3TvO\n"
			     "cFWerqDrdyy+sTlItUsonVQVfuaTKoqBpMfp64Oq3H+nak6q5cucelEJeby22rhh\n"
			     "B0BFTo6oeQCBqpb8c8JZHGb/kQU4TiZITsSSAbsps2toyV7E23BMhFLw3sQbKX+O\n"
			     "QyRJH5LIaXupp2TNWAXXLfSb7lDC9jHwNfeLtWt+4g7oknV0fBIMhncfaUnoliQ0\n"
			     "JqBWPk52thAV2i3oo8XP8EQT1LRFXOpbH3zqEmxX1q3jlP1NQ3d9AvXzgK5WQOYk\n"
			     "HzFzxWLK44i2DNSTmJ2rEOK8RKTIdkU4jbmaplKJCXLUNO5XeqWjuf9Y86rQdcip\n"
			     "ph+SwG/jAgMBAAECggEAFl27hx59rn8RzEGVSyhR0lmF9V+wvI4oPcpDrTIQ03ZF\n"
			     "VMv8rYUdMzueWaFcE3fEF+9m6DIcUcx1q0iPDJH/JhBbu+o5QITFieWUeOFPv8jq\n"
			     "cd8pyCCkp4x2cExqQCUfkWynbJg44fyJa/F8FwiAscrar+wbLndX/T2zxU5QWYVp\n"
			     "4oMKhjbhRSSzTD2ChIPlMAGJDlha7uazrmtPGMsOrSnt/u0IAu26Yke8mlnfyx+k\n"
			     "RpRxv11HC7GSvPSBA8vfIAOkA+iWTXj5H9L8Ui9LBHh1lt1Qnh2Tep7KWk68jpcV\n"
			     "CXqNqwDDbK30McqOWa8xbp5Zgs+P26LpP17743/3EQKBgQDxms2//YyP+VLP1AJh\n"
			     "um8/MIgk/sLjx4qCqTvxg3r6d2i81sOxFax8X0f2n4V1TS6u0f8toZD4ITEvbiis\n"
			     "3gYArcuqHbz22tSLiLgGRPnnVv0eieTWBYJsOUkykYrslRiyBtn1L//jjg4QMDPq\n"
			     "e+mtXra9AsISyNQ2/zL/S3d6FQKBgQDXS8r5jR27p2ouy0o2boUiNfYxM0QOSm+K\n"
			     "XZnKbZ7wDy2zdKLW0cTHRmyVNHzgZdqlxkeL1H/OmUbxRkC83uuZcsgmu2mAnieh\n"
			     "exs46PiUFrsed9o56KQ5h0Z7iW+XyjI5QFZTcXK/+wEIOt28hWvPrf1dH5PMArTp\n"
			     "ze2UumiYFwKBgQC5exfkAfpMeaNazC976Y4IW/DZPgBOsF0kzFmpoz/hU5TEDLi1\n"
			     "lacS4G815eemUze4nJ0j4fqSk6DYAeEWPWksUkCd/DCa7wrniHGG1qNoN/8g18on\n"
			     "iJlFDoGkYdneoOQRoHLp6gywHNmtEeR5auHN6H2wA5MMqsNI6Yi0N7KktQKBgQCu\n"
			     "0tPqWoW3WJWnk9oaYxpmkkzs3MU5mYYDZEg6kVNLeffRTjfgmovgiTYo3ms8yFiI\n"
			     "3n5AdHin6d0qlLKC672CaCtREEP2dfaWcOHFD6Cyl9awQgCJn3ijYk6AiDR+nGi2\n"
			     "BqFStr/IVukaprphmDHYfV9MnBSmx9fiNx7h85B1VwKBgAeT+YNmxo1nAa+8oBAe\n"
			     "tsWFOXuHU6LWeOcSJI8inMBDYYG8EnWqYmgn1CKjsBvxmpUkBWLusxRW1AwyYgli\n"
			     "VpV/eNEEpv9j0tBZOE76QXXzeGaZEzLJn7NsyGEbCXPUO8UEleXHUdp9Ut8uPg23\n"
			     "t3kZI1iGI7gK8iig0QMb512S\n"
			     "-----END PRIVATE KEY-----\n";

static const char SP_CERT[] = "-----BEGIN CERTIFICATE-----\n"
			      "MIIDBzCCAe+gAwIBAgIUeVxIUlCNWjERUbfVyceuSBEElewwDQYJKoZIhvcNAQEL\n"
			      "BQAwEjEQMA4GA1UEAwwHZnV6ei1zcDAgFw0yNjEyMDUxMjA2MDdaGA8yMTI2MTEx\n"
			      "MTEyMDYwN1owEjEQMA4GA1UEAwwHZnV6ei1zcDCCASIwDQYJKoZIhvcNAQEBBQAD\n"
			      "ggEPADCCAQoCggEBAMswirYwSkXdO85wVZ6uoOt3LL6xOUi1SyidVBV+5pMqioGk\n"
			      "x+nrg6rcf6dqTqrly5x6UQl5vLbauGEHQEVOjqh5AIGqlvxzwlkcZv+RBThOJkhO\n"
			      "xJIBuymza2jJXsTbcEyEUvDexBspf45DJEkfkshpe6mnZM1YBdct9JvuUML2MfA1\n"
			      "94u1a37iDuiSdXR8EgyGdx9pSeiWJDQmoFY+Tna2EBXaLeijxc/wRBPUtEVc6lsf\n"
			      "fOoSbFfWreOU/U1Dd30C9fOArlZA5iQfMXPFYsrjiLYM1JOYnasQ4rxEpMh2RTiN\n"
			      "uZqmUokJctQ07ld6paO5/1jzqtB1yKmmH5LAb+MCAwEAAaNTMFEwHQYDVR0OBBYE\n"
			      "FIFCmcLEZDn051xyqOPQ5LJAW7cLMB8GA1UdIwQYMBaAFIFCmcLEZDn051xyqOPQ\n"
			      "5LJAW7cLMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADggEBAD/FO1Vu\n"
			      "eOs52qqsZ/SRReef89lvBdIgq70sXbIu8MOrzzp1Qa8ZbQ141weM3dL/Vwg0Y/uT\n"
			      "nmRbEoxgpH4zDvFiZtbcjEHLXGAokMu1mAR8PfXYYFgz7QjiIj0fCGmoHoKmjjKN\n"
			      "seBDvVEYaZwfQslzK0cK8176YxbKugh/msKlNxXd94oZ/cr9KAOk0IgmTpVKRLRp\n"
			      "9KA9otQzlZIkZ9w4o99pYYMzgKii4rG3br9xzmMu9l/qp+YxcKHTKgN4NuKaAAep\n"
			      "i5TIhND0NXUnWbueFVvn99baYm+ZA+xxKkFjXykiZzPUSLMMnqkz3QRVEVsfUtXv\n"
			      "maSJTyxw9SHpPrA=\n"
			      "-----END CERTIFICATE-----\n";

#define SAML_FIXTURE_SP                                                                            \
	{                                                                                          \
		.entity_id = "https://portal.example/konto/saml/metadata",                         \
		.acs_url = "https://portal.example/konto/saml/acs", .key_pem = SP_KEY,             \
		.cert_pem = SP_CERT                                                                \
	}
#define SAML_FIXTURE_EXPECT(t)                                                                     \
	{                                                                                          \
		.request_id = "_fuzzrequest", .email_attr = "urn:oid:0.9.2342.19200300.100.1.3",   \
		.now = (t)                                                                         \
	}

#endif
