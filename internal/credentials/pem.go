/*
Copyright 2026 The Security Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package credentials

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
)

// parseCertificate reads the certificates of tls.crt and the private key of
// tls.key. MSAL signs client assertions only with RSA keys, so another key
// type is rejected here with a clear message instead of at the first token
// request. Errors name the key, never its content.
func parseCertificate(certPEM, keyPEM []byte) ([]*x509.Certificate, crypto.PrivateKey, error) {
	certs, err := parseCertificates(certPEM)
	if err != nil {
		return nil, nil, err
	}
	key, err := parsePrivateKey(keyPEM)
	if err != nil {
		return nil, nil, err
	}
	rsaKey, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, nil, fmt.Errorf("%w: tls.key is %s key, but certificate credentials "+
			"need an RSA key", ErrInvalid, keyKind(key))
	}
	for _, cert := range certs {
		if pub, ok := cert.PublicKey.(*rsa.PublicKey); ok && rsaKey.PublicKey.Equal(pub) {
			return certs, rsaKey, nil
		}
	}
	return nil, nil, fmt.Errorf(
		"%w: tls.key does not match any certificate in tls.crt",
		ErrInvalid,
	)
}

func parseCertificates(data []byte) ([]*x509.Certificate, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: tls.crt is missing or empty", ErrInvalid)
	}
	var certs []*x509.Certificate
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: tls.crt: certificate %d does not parse: %w",
				ErrInvalid, len(certs)+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%w: tls.crt contains no PEM CERTIFICATE block", ErrInvalid)
	}
	return certs, nil
}

// parsePrivateKey reads the first private key block: PKCS#1 ("RSA PRIVATE
// KEY"), PKCS#8 ("PRIVATE KEY") or SEC 1 ("EC PRIVATE KEY"). Encrypted keys
// are rejected, because the Secret has no passphrase.
func parsePrivateKey(data []byte) (crypto.PrivateKey, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: tls.key is missing or empty", ErrInvalid)
	}
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, fmt.Errorf("%w: tls.key contains no PEM private key block", ErrInvalid)
		}
		if block.Headers["Proc-Type"] != "" || block.Type == "ENCRYPTED PRIVATE KEY" {
			return nil, fmt.Errorf("%w: tls.key is encrypted; store it unencrypted", ErrInvalid)
		}
		var key crypto.PrivateKey
		var err error
		switch block.Type {
		case "RSA PRIVATE KEY":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "PRIVATE KEY":
			key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
		case "EC PRIVATE KEY":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		default:
			continue
		}
		if err != nil {
			// The x509 parse errors describe the structure, not the key bytes.
			return nil, fmt.Errorf("%w: tls.key: the %s block does not parse: %w",
				ErrInvalid, block.Type, err)
		}
		return key, nil
	}
}

func keyKind(key crypto.PrivateKey) string {
	switch key.(type) {
	case *ecdsa.PrivateKey:
		return "an ECDSA"
	case ed25519.PrivateKey:
		return "an Ed25519"
	default:
		return fmt.Sprintf("a %T", key)
	}
}
